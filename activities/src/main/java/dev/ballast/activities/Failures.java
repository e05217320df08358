package dev.ballast.activities;

import dev.ballast.api.ErrorType;
import io.temporal.failure.ApplicationFailure;

/** Builds the {@link ApplicationFailure}s that activities throw, typed by {@link ErrorType}. */
public final class Failures {
  private Failures() {}

  /** A failure of type {@code type}; retried or not as the type says. */
  public static ApplicationFailure of(ErrorType type, String message, Throwable cause) {
    return type.retryable()
        ? ApplicationFailure.newFailureWithCause(message, type.name(), cause)
        : ApplicationFailure.newNonRetryableFailureWithCause(message, type.name(), cause);
  }

  public static ApplicationFailure of(ErrorType type, String message) {
    return of(type, message, null);
  }

  /**
   * A job type's total that does not fit its numbers (for settlement, a sum of more than 92
   * quadrillion USD in one group): retrying cannot help. No {@link ErrorType} fits, so the failure
   * type is {@code OVERFLOW}.
   */
  public static ApplicationFailure overflow(String jobType, ArithmeticException e) {
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "a " + jobType + " total does not fit a 64-bit number (" + e.getMessage() + ")", "OVERFLOW", e);
  }
}
