package dev.ballast.starter.spec;

/** A job spec is invalid; the message is one line naming the problem. */
public class SpecException extends RuntimeException {
  public SpecException(String message) {
    super(message);
  }

  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
