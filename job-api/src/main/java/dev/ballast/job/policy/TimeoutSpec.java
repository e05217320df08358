package dev.ballast.job.policy;

import java.time.Duration;

/**
 * Declared activity timeouts. A null field means "take the default" (see {@link #orElse}); a
 * resolved policy leaves {@code scheduleToClose} and {@code scheduleToStart} null when unbounded.
 *
 * @param startToClose longest a single attempt may run
 * @param heartbeat longest gap between heartbeats before an attempt is considered lost; this is
 *     what bounds failover time after a worker dies
 * @param scheduleToClose longest the activity may take over all its attempts
 * @param scheduleToStart longest a task may wait in its queue for a worker
 */
public record TimeoutSpec(
    Duration startToClose, Duration heartbeat, Duration scheduleToClose, Duration scheduleToStart) {

  /** These timeouts with each missing field taken from {@code defaults}. */
  public TimeoutSpec orElse(TimeoutSpec defaults) {
    if (defaults == null) {
      return this;
    }
    return new TimeoutSpec(
        startToClose != null ? startToClose : defaults.startToClose,
        heartbeat != null ? heartbeat : defaults.heartbeat,
        scheduleToClose != null ? scheduleToClose : defaults.scheduleToClose,
        scheduleToStart != null ? scheduleToStart : defaults.scheduleToStart);
  }
}
