package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Turns a declared {@link StagePolicy} into the activity options Temporal applies. */
final class StageOptions {
  private StageOptions() {}

  /**
   * Alerts are best effort: a few quick attempts, each bounded, so that a dead webhook delays the
   * end of a job or drill by seconds, never fails it.
   */
  static ActivityOptions alertOptions(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.JOBS)
        .setStartToCloseTimeout(Duration.ofSeconds(15))
        .setScheduleToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2)
                .setMaximumAttempts(3)
                .build())
        .setSummary(summary)
        .build();
  }

  /**
   * Activity options for a stage. Cancellation waits until the activity acknowledges it (chunk
   * activities see it on their next heartbeat), so that nothing is still writing when a cancelled
   * job discards its staging area.
   */
  static ActivityOptions activityOptions(StagePolicy policy, String taskQueue) {
    return activityOptions(policy, taskQueue, true);
  }

  /**
   * Activity options for a stage; without the declared schedule-to-start timeout when {@code
   * withScheduleToStart} is false (a chunk moved to the backup queue waits there as long as it
   * takes).
   */
  static ActivityOptions activityOptions(
      StagePolicy policy, String taskQueue, boolean withScheduleToStart) {
    RetrySpec retry = policy.retry();
    TimeoutSpec timeouts = policy.timeouts();
    RetryOptions.Builder retryOptions = RetryOptions.newBuilder();
    if (retry.initialInterval() != null) {
      retryOptions.setInitialInterval(retry.initialInterval());
    }
    if (retry.backoffCoefficient() != null) {
      retryOptions.setBackoffCoefficient(retry.backoffCoefficient());
    }
    if (retry.maximumInterval() != null) {
      retryOptions.setMaximumInterval(retry.maximumInterval());
    }
    if (retry.maximumAttempts() != null) {
      retryOptions.setMaximumAttempts(retry.maximumAttempts());
    }
    if (retry.nonRetryableErrorTypes() != null && !retry.nonRetryableErrorTypes().isEmpty()) {
      retryOptions.setDoNotRetry(retry.nonRetryableErrorTypes().toArray(String[]::new));
    }
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setRetryOptions(retryOptions.build())
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    if (timeouts.startToClose() != null) {
      options.setStartToCloseTimeout(timeouts.startToClose());
    }
    if (timeouts.heartbeat() != null) {
      options.setHeartbeatTimeout(timeouts.heartbeat());
    }
    if (timeouts.scheduleToClose() != null) {
      options.setScheduleToCloseTimeout(timeouts.scheduleToClose());
    }
    if (withScheduleToStart && timeouts.scheduleToStart() != null) {
      options.setScheduleToStartTimeout(timeouts.scheduleToStart());
    }
    return options.build();
  }
}
