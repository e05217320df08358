package dev.ballast.engine;

import dev.ballast.api.ErrorType;
import dev.ballast.job.ExceptionPolicy;
import dev.ballast.job.JobFailure;
import dev.ballast.job.JobType;
import dev.ballast.job.Outcome;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.io.UncheckedIOException;

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

  /** The failure type of an exception from a job type's code that no rule of its policy names. */
  public static final String JOB_TYPE_ERROR = "JOB_TYPE_ERROR";

  /**
   * What {@code e}, thrown by job type {@code type}'s code (or out of its record loop, as a {@link
   * RecordFailure}), becomes under the type's {@link ExceptionPolicy}: a {@link JobFailure} keeps
   * its type; a rule fails or retries with its type; an I/O error is retried as {@code IO}; any
   * other exception fails the job as {@link #JOB_TYPE_ERROR}, naming where it was thrown.
   *
   * @param where what was being done, such as {@code "chunk 3 of a.csv"}
   */
  public static RuntimeException fromJobType(JobType type, RuntimeException e, String where) {
    if (e instanceof TemporalFailure || e instanceof ActivityCompletionException) {
      return e; // the engine's own failures, and the SDK's word that the activity was cancelled
    }
    if (e instanceof RecordFailure r) {
      where = r.where;
      e = r.getCause();
    }
    if (e instanceof JobFailure f) {
      return f.retryable()
          ? ApplicationFailure.newFailureWithCause(f.getMessage(), f.type(), f.getCause())
          : ApplicationFailure.newNonRetryableFailureWithCause(f.getMessage(), f.type(), f.getCause());
    }
    ExceptionPolicy.Rule rule = type.exceptions().ruleFor(e);
    String message = where + ": " + e;
    if (rule != null && rule.action() == ExceptionPolicy.Action.RETRY) {
      return ApplicationFailure.newFailureWithCause(message, rule.code(), e);
    }
    if (rule != null) {
      return ApplicationFailure.newNonRetryableFailureWithCause(message, rule.code(), e);
    }
    if (e instanceof UncheckedIOException) {
      return of(ErrorType.IO, message, e);
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "job type " + type.name() + " threw " + e + " at " + where
            + " (a bug in the job type, or an exception its exception policy should name)",
        JOB_TYPE_ERROR, e);
  }

  /**
   * What the processor's exception {@code e} for the record at {@code fileName} line {@code line}
   * does: the rejection its policy's rule names, or else a {@link RecordFailure} thrown out of the
   * record loop.
   */
  public static Outcome rejectOrThrow(ExceptionPolicy policy, RuntimeException e, String fileName, long line) {
    ExceptionPolicy.Rule rule = e instanceof JobFailure ? null : policy.ruleFor(e);
    if (rule == null || rule.action() != ExceptionPolicy.Action.REJECT) {
      throw new RecordFailure(fileName, line, e);
    }
    return Outcome.reject(rule.code());
  }

  /**
   * The processor's exception for one record, thrown out of the record loop with the record's
   * place; {@link #fromJobType} reports it.
   */
  public static final class RecordFailure extends RuntimeException {
    private final String where;

    public RecordFailure(String fileName, long line, RuntimeException cause) {
      super(fileName + " line " + line, cause, false, false);
      this.where = fileName + " line " + line;
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }
}
