package dev.ballast.workflows;

import dev.ballast.api.Causes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.AlertActivities;
import dev.ballast.api.activity.DrillActivities;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.DrillCheckpoint;
import dev.ballast.api.model.DrillChunk;
import dev.ballast.api.model.DrillChunkResult;
import dev.ballast.api.model.DrillReport;
import dev.ballast.api.model.DrillRequest;
import dev.ballast.api.workflow.DrillWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The failover drill (see {@link DrillWorkflow}). Runs on the jobs task queue, so that its verdict
 * and alert need no drill worker and no CLI; its activities run on {@link TaskQueues#DRILLS}.
 *
 * <p>Failover is measured from the chunk's heartbeat details and the server's start time of the
 * attempt that resumed it ({@link dev.ballast.api.model.DrillChunkResult}), never from this
 * workflow's own clock.
 */
public class DrillWorkflowImpl implements DrillWorkflow {
  private static final Logger log = Workflow.getLogger(DrillWorkflowImpl.class);

  /** Steps of the drill chunk, and the step after which its first attempt stops its worker. */
  static final int STEPS = 20;

  static final int STOP_AT_STEP = 5;
  static final long STEP_MILLIS = 100;

  /** How long the drill waits for any drill worker to take its first activity. */
  static final Duration ENLIST_WAIT = Duration.ofSeconds(10);

  /**
   * The chunk's heartbeat timeout: the server notices the stopped worker this long after its last
   * heartbeat. Short, since the drill's chunk heartbeats every step; it bounds the failover from
   * below (plus {@link #RETRY_INTERVAL} and the poll of the next worker).
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

  static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  private static final ActivityOptions ALERT_OPTIONS = StageOptions.alertOptions("drill alert");

  @Override
  public DrillReport run(DrillRequest request) {
    String drillId = Workflow.getInfo().getWorkflowId();
    long max = request.maxFailoverMillis() > 0 ? request.maxFailoverMillis() : DrillRequest.DEFAULT_MAX_FAILOVER_MILLIS;
    long timeout = request.timeoutMillis() > 0 ? request.timeoutMillis() : DrillRequest.DEFAULT_TIMEOUT_MILLIS;

    // A bounded wait for any drill worker at all: without one, the drill fails in seconds.
    DrillActivities enlist =
        Workflow.newActivityStub(
            DrillActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.DRILLS)
                .setScheduleToStartTimeout(ENLIST_WAIT)
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    try {
      enlist.enlist(drillId);
    } catch (ActivityFailure e) {
      return failDrill(request, new DrillReport(drillId, false,
          "no worker took the drill's first task within " + ENLIST_WAIT.toSeconds() + " s: no worker polls task queue "
              + TaskQueues.DRILLS + " (start workers with --allow-drills)",
          -1, max, null, null, 0, STEPS, false));
    }

    // After the stop, the retry waits at most the objective for a worker to take it: the schedule-
    // to-start timeout is not retried, so "nobody took over" ends the drill instead of waiting.
    DrillActivities chunk =
        Workflow.newActivityStub(
            DrillActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.DRILLS)
                .setScheduleToStartTimeout(Duration.ofMillis(max))
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setScheduleToCloseTimeout(Duration.ofMillis(timeout))
                .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(RETRY_INTERVAL)
                        .setBackoffCoefficient(1)
                        .setMaximumAttempts(3)
                        .build())
                .build());
    DrillChunk work = new DrillChunk(drillId, STEPS, STOP_AT_STEP, STEP_MILLIS);
    DrillChunkResult result;
    try {
      result = chunk.runChunk(work);
    } catch (ActivityFailure e) {
      String stopped = e.getIdentity() == null || e.getIdentity().isEmpty() ? null : e.getIdentity();
      if (e.getCause() instanceof TimeoutFailure t) {
        try {
          if (t.getLastHeartbeatDetails() != null && t.getLastHeartbeatDetails().getSize() > 0) {
            stopped = t.getLastHeartbeatDetails().get(DrillCheckpoint.class).worker();
          }
        } catch (RuntimeException ignored) {
          // No details: the identity of the failure stands.
        }
        String why =
            t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
                ? "no other worker resumed the chunk within " + seconds(max) + " of its retry (a pool of one drill worker?)"
                : "the chunk did not finish within " + seconds(timeout) + " (" + t.getTimeoutType() + ")";
        return failDrill(request, new DrillReport(drillId, false,
            "worker " + (stopped == null ? "?" : stopped) + " stopped mid-chunk and " + why,
            -1, max, stopped, null, 0, STEPS, false));
      }
      return failDrill(request, new DrillReport(drillId, false,
          "the drill chunk failed: " + rootMessage(e), -1, max, stopped, null, 0, STEPS, false));
    }

    boolean output = result.steps() == STEPS && result.sum() == work.expectedSum()
        && result.resumedFromStep() == STOP_AT_STEP;
    boolean other = result.stoppedWorker() != null && !result.stoppedWorker().equals(result.resumedWorker());
    long failover = result.stoppedAtMillis() > 0 ? Math.max(0, result.resumedAtMillis() - result.stoppedAtMillis()) : -1;
    String verdict;
    boolean passed = false;
    if (!other) {
      verdict = result.stoppedWorker() == null
          ? "the chunk was not stopped mid-way (attempt " + result.attempt() + " ran it whole): no failover to measure"
          : "the chunk resumed on the worker that stopped (" + result.resumedWorker() + "), not on another";
    } else if (!output) {
      verdict = "the resumed chunk's output is wrong: sum " + result.sum() + " of " + result.steps()
          + " steps resumed from step " + result.resumedFromStep() + ", expected " + work.expectedSum()
          + " of " + STEPS + " from step " + STOP_AT_STEP;
    } else if (failover > max) {
      verdict = "failover took " + seconds(failover) + ", over the objective of " + seconds(max);
    } else {
      passed = true;
      verdict = "failover in " + seconds(failover) + " (objective " + seconds(max) + ")";
    }
    DrillReport report = new DrillReport(drillId, passed, verdict, failover, max, result.stoppedWorker(),
        result.resumedWorker(), result.resumedFromStep(), result.steps(), output);
    if (!passed) {
      return failDrill(request, report);
    }
    log.info("drill {} passed: {}", drillId, verdict);
    return report;
  }

  /**
   * Alerts the webhooks and fails the workflow with the report as details; never returns (typed so
   * that callers can {@code return} it).
   */
  private DrillReport failDrill(DrillRequest request, DrillReport report) {
    log.warn("drill {} failed: {}", report.drillId(), report.verdict());
    AlertActivities alerts = Workflow.newActivityStub(AlertActivities.class, ALERT_OPTIONS);
    List<Promise<Void>> sent = new ArrayList<>();
    for (String webhook : request.webhooks()) {
      AlertRequest alert = new AlertRequest(
          webhook, report.drillId(), "drill", AlertRequest.DRILL_FAILED, "FAILOVER", report.verdict(), null, null);
      sent.add(Async.procedure(alerts::sendAlert, alert));
    }
    for (Promise<Void> p : sent) {
      try {
        p.get();
      } catch (ActivityFailure e) {
        log.warn("drill {}: alert not delivered: {}", report.drillId(), rootMessage(e));
      }
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "drill " + report.drillId() + " failed: " + report.verdict(), DrillReport.FAILED, report);
  }

  static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String rootMessage(Throwable e) {
    return Causes.root(e).getMessage();
  }
}
