package dev.ballast.worker;

/** Temporal could not be reached at the configured address. The message is one line naming it. */
public class TemporalUnreachableException extends RuntimeException {
  private final String address;

  public TemporalUnreachableException(String address, Throwable cause) {
    super(
        "cannot reach Temporal at "
            + address
            + (cause == null || cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())),
        cause);
    this.address = address;
  }

  /** Temporal at {@code address} could not be used, for the reason {@code message} gives in one line. */
  public TemporalUnreachableException(String address, String message, Throwable cause) {
    super(firstLine(message), cause);
    this.address = address;
  }

  /** The address that could not be reached. */
  public String address() {
    return address;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
