package dev.ballast.job;

import java.util.Objects;

/**
 * A failure that a job type reports in its own words and with a type of its own, such as {@code
 * DB_CONSTRAINT}: the type is what {@code ballast status} and alerts show, and what a stage's
 * retry policy can list as never retried. A {@linkplain #retryable retryable} failure is retried
 * by the stage's retry policy; a {@linkplain #fatal fatal} one fails the job at once.
 */
public class JobFailure extends RuntimeException {
  private final String type;
  private final boolean retryable;

  protected JobFailure(String type, String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.type = Objects.requireNonNull(type, "type");
    this.retryable = retryable;
  }

  /** A failure the stage's retry policy retries (a database that is restarting, say). */
  public static JobFailure retryable(String type, String message, Throwable cause) {
    return new JobFailure(type, message, cause, true);
  }

  /** A failure that retrying cannot help: the job fails at once. */
  public static JobFailure fatal(String type, String message, Throwable cause) {
    return new JobFailure(type, message, cause, false);
  }

  /** The failure's type: upper case with underscores, such as {@code DB_TRANSIENT}. */
  public String type() {
    return type;
  }

  public boolean retryable() {
    return retryable;
  }
}
