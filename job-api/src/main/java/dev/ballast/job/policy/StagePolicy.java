package dev.ballast.job.policy;

import java.time.Duration;
import java.util.List;

/**
 * The declared retry and timeout policy of one stage's activities. A spec may override any field
 * per stage; {@link #defaults(Stage)} documents what applies otherwise.
 *
 * @param retry retry policy
 * @param timeouts activity timeouts
 * @param backupTaskQueue process stage only: a task queue of standby workers. A chunk not picked
 *     up from the primary queue within {@code timeouts.scheduleToStart} is rescheduled there, and
 *     the job records that it did so. Null means no backup pool.
 */
public record StagePolicy(RetrySpec retry, TimeoutSpec timeouts, String backupTaskQueue) {

  /** A policy without a backup task queue. */
  public StagePolicy(RetrySpec retry, TimeoutSpec timeouts) {
    this(retry, timeouts, null);
  }

  /**
   * The defaults of each stage.
   *
   * <ul>
   *   <li>plan: one attempt may take 30 min (it hashes every input), heartbeat 30 s; up to 5
   *       attempts, 1 s doubling to 1 min between them.
   *   <li>process (each chunk): 30 min per attempt, heartbeat 10 s so a dead worker's chunk moves
   *       within about 10 s; up to 10 attempts, 1 s doubling to 30 s.
   *   <li>merge: 60 min per attempt, heartbeat 30 s; 5 attempts.
   *   <li>commit: 10 min per attempt, heartbeat 30 s; 5 attempts.
   * </ul>
   */
  public static StagePolicy defaults(Stage stage) {
    return switch (stage) {
      case PLAN -> of(Duration.ofMinutes(30), Duration.ofSeconds(30), 5, Duration.ofMinutes(1));
      case PROCESS -> of(Duration.ofMinutes(30), Duration.ofSeconds(10), 10, Duration.ofSeconds(30));
      case MERGE -> of(Duration.ofMinutes(60), Duration.ofSeconds(30), 5, Duration.ofMinutes(1));
      case COMMIT -> of(Duration.ofMinutes(10), Duration.ofSeconds(30), 5, Duration.ofMinutes(1));
    };
  }

  private static StagePolicy of(
      Duration startToClose, Duration heartbeat, int attempts, Duration maxInterval) {
    return new StagePolicy(
        new RetrySpec(Duration.ofSeconds(1), 2.0, maxInterval, attempts, List.of()),
        new TimeoutSpec(startToClose, heartbeat, null, null));
  }

  /** This policy with each missing field taken from {@code defaults}. */
  public StagePolicy orElse(StagePolicy defaults) {
    if (defaults == null) {
      return this;
    }
    return new StagePolicy(
        retry == null ? defaults.retry : retry.orElse(defaults.retry),
        timeouts == null ? defaults.timeouts : timeouts.orElse(defaults.timeouts),
        backupTaskQueue != null ? backupTaskQueue : defaults.backupTaskQueue);
  }
}
