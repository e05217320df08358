package dev.ballast.starter;

import dev.ballast.api.Causes;
import dev.ballast.api.ErrorType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a failed job into one line: unwraps {@code WorkflowFailedException -> ChildWorkflowFailure
 * -> ActivityFailure -> ApplicationFailure} and reports the innermost application failure (preferring
 * one typed by {@link ErrorType}), with its type.
 *
 * @param outcome how the job ended
 * @param message the innermost message
 * @param type the failure type, or null
 */
public record JobFailures(Outcome outcome, String message, String type) {

  /** How a job that did not complete ended. */
  public enum Outcome {
    FAILED(ExitCodes.JOB_FAILED),
    TIMED_OUT(ExitCodes.JOB_FAILED),
    CANCELED(ExitCodes.JOB_CANCELLED),
    TERMINATED(ExitCodes.JOB_CANCELLED);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private static final Set<String> ERROR_TYPES =
      EnumSet.allOf(ErrorType.class).stream().map(Enum::name).collect(Collectors.toSet());

  /** Explains {@code failure}, normally a {@link WorkflowFailedException}. */
  public static JobFailures explain(Throwable failure) {
    Throwable top = failure instanceof WorkflowFailedException && failure.getCause() != null ? failure.getCause() : failure;
    ApplicationFailure innermost = null;
    ApplicationFailure innermostTyped = null;
    Outcome outcome = Outcome.FAILED;
    String fallback = top.getMessage();
    for (Throwable t : Causes.chain(top)) {
      if (t instanceof CanceledFailure) {
        outcome = Outcome.CANCELED;
      } else if (t instanceof TerminatedFailure) {
        outcome = Outcome.TERMINATED;
      } else if (t instanceof TimeoutFailure timeout && outcome == Outcome.FAILED && t == top) {
        outcome = Outcome.TIMED_OUT;
        fallback = "timed out (" + timeout.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase() + ")";
      }
      if (t instanceof ApplicationFailure app) {
        innermost = app;
        if (ERROR_TYPES.contains(app.getType())) {
          innermostTyped = app;
        }
      }
    }
    ApplicationFailure chosen = innermostTyped != null ? innermostTyped : innermost;
    if (chosen != null && outcome == Outcome.FAILED) {
      return new JobFailures(outcome, oneLine(chosen.getOriginalMessage()), chosen.getType());
    }
    return new JobFailures(outcome, oneLine(fallback), null);
  }

  /** {@code job ID failed: MESSAGE (TYPE)} and the like. */
  public String describe(String jobId) {
    String prefix = "job " + jobId + " failed: ";
    String text = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    return switch (outcome) {
      case FAILED -> prefix + text + (type == null ? "" : " (" + type + ")");
      case TIMED_OUT -> "job " + jobId + " timed out: " + message;
      case CANCELED -> "job " + jobId + " was cancelled";
      case TERMINATED -> "job " + jobId + " was terminated";
    };
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("\r", " ").replace('\n', ' ').trim();
  }
}
