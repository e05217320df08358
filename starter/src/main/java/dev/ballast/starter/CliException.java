package dev.ballast.starter;

/**
 * A user-facing error: its one-line message is printed (no stack trace) and the command exits with
 * {@link #exitCode()}.
 */
public class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code, one of {@link ExitCodes}. */
  public int exitCode() {
    return exitCode;
  }
}
