package dev.ballast.activities;

import dev.ballast.api.activity.DrillActivities;
import dev.ballast.api.model.DrillCheckpoint;
import dev.ballast.api.model.DrillChunk;
import dev.ballast.api.model.DrillChunkResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover drill's chunk, registered only on workers started with {@code --allow-drills}.
 *
 * <p>The first attempt adds up numbers step by step, heartbeating its running sum; after step
 * {@link DrillChunk#stopAtStep()} it plans its stop {@link #STOP_AFTER} later, keeps heartbeating
 * that checkpoint (with the planned stop time) until then, so that it has surely reached the
 * server (the SDK sends a throttled heartbeat at least every second here), and then stops the
 * whole process hard with {@link #EXIT_CODE} (no shutdown hooks, no graceful drain: a crash as far
 * as Temporal can tell). The stop time is expressed on the server's clock: the attempt's start time
 * as the server handed it over plus the time measured on this JVM's monotonic clock, so that no two
 * machines' clocks are compared.
 *
 * <p>A later attempt resumes from the checkpoint, finishes the sum and returns who stopped and who
 * resumed, with the server's start time of the resuming attempt: failover is the time between.
 */
public class DrillActivitiesImpl implements DrillActivities {
  /**
   * Exit code of a worker process a drill stopped: EX_TEMPFAIL of sysexits.h, "try again"; a
   * container orchestrator restarts it.
   */
  public static final int EXIT_CODE = 75;

  /** Time between the checkpoint and the stop: longer than the SDK's heartbeat throttle (1 s). */
  static final Duration STOP_AFTER = Duration.ofMillis(1_500);

  private static final Logger log = LoggerFactory.getLogger(DrillActivitiesImpl.class);

  private final String identity;
  private final IntConsumer stopProcess;
  private final Consumer<Duration> failoverObserved;

  /**
   * @param identity this worker's identity
   * @param stopProcess stops this process with the given exit code, never returning (in a worker:
   *     {@code Runtime.getRuntime()::halt})
   * @param failoverObserved told the failover time when this worker resumed a drill chunk
   */
  public DrillActivitiesImpl(String identity, IntConsumer stopProcess, Consumer<Duration> failoverObserved) {
    this.identity = identity;
    this.stopProcess = stopProcess;
    this.failoverObserved = failoverObserved;
  }

  @Override
  public String enlist(String drillId) {
    log.info("Drill {}: worker {} enlisted", drillId, identity);
    return identity;
  }

  @Override
  public DrillChunkResult runChunk(DrillChunk chunk) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ActivityInfo info = context.getInfo();
    long startNanos = System.nanoTime();
    Optional<DrillCheckpoint> saved = context.getHeartbeatDetails(DrillCheckpoint.class);
    int step = saved.map(DrillCheckpoint::step).orElse(0);
    long sum = saved.map(DrillCheckpoint::sum).orElse(0L);
    // Only a first attempt stops (a later one without a checkpoint never cascades through the pool).
    boolean stopHere = saved.isEmpty() && info.getAttempt() <= 1;
    if (saved.isPresent()) {
      Duration failover =
          Duration.ofMillis(Math.max(0, info.getStartedTimestamp() - saved.get().stopAtMillis()));
      log.info(
          "Drill {}: worker {} resumes the chunk at step {} after {} stopped; failover {} ms",
          chunk.drillId(), identity, step, saved.get().worker(), failover.toMillis());
      if (saved.get().stopAtMillis() > 0) {
        failoverObserved.accept(failover);
      }
    }
    int resumedFrom = step;
    while (step < chunk.steps()) {
      sleep(chunk.stepMillis());
      step++;
      sum += step;
      context.heartbeat(new DrillCheckpoint(step, sum, identity, 0));
      if (stopHere && step == chunk.stopAtStep()) {
        stop(chunk, context, info, startNanos, step, sum);
      }
    }
    DrillCheckpoint from = saved.orElse(null);
    return new DrillChunkResult(
        step,
        sum,
        resumedFrom,
        from == null ? null : from.worker(),
        from == null ? 0 : from.stopAtMillis(),
        identity,
        info.getStartedTimestamp(),
        info.getAttempt());
  }

  /** Heartbeats the checkpoint with the planned stop time until then, and stops the process. */
  private void stop(
      DrillChunk chunk, ActivityExecutionContext context, ActivityInfo info, long startNanos, int step, long sum) {
    long stopNanos = System.nanoTime() + STOP_AFTER.toNanos();
    long stopAtMillis = info.getStartedTimestamp() + (stopNanos - startNanos) / 1_000_000;
    DrillCheckpoint checkpoint = new DrillCheckpoint(step, sum, identity, stopAtMillis);
    log.warn(
        "Drill {}: worker {} checkpointed step {} of {} and stops its process with exit code {} in {} ms",
        chunk.drillId(), identity, step, chunk.steps(), EXIT_CODE, STOP_AFTER.toMillis());
    while (System.nanoTime() < stopNanos) {
      context.heartbeat(checkpoint);
      sleep(Math.min(100, Math.max(1, (stopNanos - System.nanoTime()) / 1_000_000)));
    }
    stopProcess.accept(EXIT_CODE);
    throw new IllegalStateException("the drill's process stop returned");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }
}
