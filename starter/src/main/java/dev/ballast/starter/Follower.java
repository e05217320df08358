package dev.ballast.starter;

import io.temporal.client.WorkflowException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a job or a pipeline until it ends, then reports how it ended: the loop that {@code
 * watch}, {@code run} and {@code resume} share. What is shown while it runs and at its end is up
 * to the kind ({@link JobFollower}, {@link PipelineFollower}).
 *
 * @param <R> the workflow's result
 */
abstract class Follower<R> {
  private final String what;
  final String id;
  final PrintWriter out;
  final PrintWriter err;

  /** Follows {@code what} ("job", "pipeline") {@code id}, printing to {@code out} and {@code err}. */
  Follower(String what, String id, PrintWriter out, PrintWriter err) {
    this.what = what;
    this.id = id;
    this.out = out;
    this.err = err;
  }

  /** Work to do before each wait for the result; true: do it again before waiting. */
  boolean beforeWait() {
    return false;
  }

  /** A wait of {@code poll} ended without the result: the workflow still runs. */
  void stillRunning() {}

  /** The workflow ended (or following it was interrupted): called before its outcome is printed. */
  void ended() {}

  /** Prints the result of the workflow, which completed. */
  abstract void completed(R result);

  /** Prints why the workflow did not complete (to {@link #err}, flushed after). */
  abstract void failed(JobFailures failure);

  /**
   * Waits for {@code result}, at most {@code poll} at a time, until the workflow ends, then prints
   * how it ended.
   *
   * @return the exit code: 0 completed, 1 failed or timed out, 3 cancelled or terminated
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when the workflow does not exist
   */
  final int follow(CompletableFuture<R> result, Duration poll) {
    while (true) {
      if (beforeWait()) {
        continue;
      }
      if (result.isDone()) {
        break;
      }
      try {
        result.get(poll.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        stillRunning();
      } catch (ExecutionException ended) {
        // its outcome is read below
      } catch (InterruptedException e) {
        throw interrupted(e);
      }
    }
    ended();
    R done;
    try {
      done = result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (Workflows.isNotFound(cause)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, what + " " + id + " not found", cause);
      }
      if (!(cause instanceof WorkflowException)) {
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
      JobFailures failure = JobFailures.explain(cause);
      failed(failure);
      err.flush();
      return failure.outcome().exitCode();
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    completed(done);
    return ExitCodes.OK;
  }

  private CliException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    ended();
    return new CliException(ExitCodes.JOB_FAILED, "interrupted while following " + what + " " + id, e);
  }
}
