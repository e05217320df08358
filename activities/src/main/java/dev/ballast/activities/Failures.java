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
}
