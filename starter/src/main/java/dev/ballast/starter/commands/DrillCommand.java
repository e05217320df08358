package dev.ballast.starter.commands;

import dev.ballast.activities.DrillActivitiesImpl;
import dev.ballast.api.Causes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.DrillReport;
import dev.ballast.api.model.DrillRequest;
import dev.ballast.api.workflow.DrillWorkflow;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFlags;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.TemporalOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast drill}: a failover drill against the live worker pool. */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a failover drill against the live worker pool: a small built-in job whose one chunk stops"
          + " the worker running it hard mid-chunk (exit code " + DrillActivitiesImpl.EXIT_CODE + "), then"
          + " measures how long until another worker resumes the chunk from its checkpoint, checks the"
          + " chunk's output, and reports the failover time, the workers involved and a verdict against"
          + " --max-failover.",
      "Only workers started with `ballast worker --allow-drills` take drill tasks, on their own task"
          + " queue (" + TaskQueues.DRILLS + "): production work is never hit. The drill's workflow runs"
          + " on the jobs queue and sends the alert itself, so it needs at least one ordinary worker too.",
      "Exit 0 when the drill passed; " + ExitCodes.DRILL_FAILED + " when it failed (no other worker took"
          + " over in time, e.g. a pool of one; no worker polls the drill or the jobs queue; wrong output),"
          + " after alerting --alert-webhook with event DRILL_FAILED (a failure found before the drill"
          + " starts is not alerted).",
      "On a schedule: ballast schedule create nightly-drill --cron \"0 3 * * *\" --drill."
    })
public class DrillCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Option(
      names = "--max-failover",
      paramLabel = "DURATION",
      description =
          "The objective: the longest acceptable time from the worker's stop to another worker resuming"
              + " the chunk (default 30s). A failover takes about 3-4 s at best: the server waits for"
              + " the chunk's 3 s heartbeat timeout, then a 1 s retry interval.")
  String maxFailover = "30s";

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "How long the whole drill may take before it counts as failed (default 5m).")
  String timeout = "5m";

  @Option(
      names = "--alert-webhook",
      paramLabel = "URL",
      description =
          "Webhook told (JSON POST, event DRILL_FAILED) when the drill fails; repeat for more (default"
              + " $BALLAST_ALERT_WEBHOOKS, comma-separated).")
  List<String> alertWebhooks = new ArrayList<>();

  @Option(names = "--id", paramLabel = "ID", description = "The drill's workflow id (default drill-yyyyMMdd-HHmmss).")
  String id;

  @Override
  protected int execute() throws Exception {
    DrillRequest request = request(maxFailover, timeout, alertWebhooks, env());
    JobConnection.requireAddress(temporal.address(env()), "drill");
    try (JobConnection connection = JobConnection.open(temporal, env(), "drill")) {
      WorkflowClient client = connection.client();
      List<String> jobWorkers = pollers(connection, TaskQueues.JOBS, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
      if (jobWorkers != null && jobWorkers.isEmpty()) {
        throw new CliException(
            ExitCodes.DRILL_FAILED,
            "drill failed: no worker polls " + TaskQueues.JOBS + ", where the drill's workflow runs (start `ballast worker`)");
      }
      List<String> pool = pollers(connection, TaskQueues.DRILLS, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
      if (pool != null && pool.isEmpty()) {
        throw new CliException(
            ExitCodes.DRILL_FAILED,
            "drill failed: no worker polls the drill task queue " + TaskQueues.DRILLS
                + " (start workers with `ballast worker --allow-drills`; workers without it are never drilled)");
      }
      if (pool != null && pool.size() == 1) {
        err().println("warning: only one worker polled " + TaskQueues.DRILLS + " lately (" + pool.get(0)
            + "): no other drill worker can take over, the drill will fail");
        err().flush();
      }
      String drillId = id != null ? id : Jobs.generateId("drill");
      DrillWorkflow drill =
          client.newWorkflowStub(
              DrillWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(drillId)
                  .setTaskQueue(TaskQueues.JOBS)
                  .setStaticSummary("failover drill, objective " + maxFailover)
                  .build());
      WorkflowClient.start(drill::run, request);
      WorkflowStub stub = WorkflowStub.fromTyped(drill);
      out().println("drill " + drillId + " started: a worker polling " + TaskQueues.DRILLS
          + " stops mid-chunk; objective " + maxFailover
          + (pool == null ? "" : "; workers that polled it lately: " + String.join(", ", pool)));
      out().flush();
      DrillReport report;
      try {
        report = stub.getResult(request.timeoutMillis() + 60_000, TimeUnit.MILLISECONDS, DrillReport.class);
      } catch (TimeoutException e) {
        throw new CliException(
            ExitCodes.DRILL_FAILED, "drill " + drillId + " failed: no verdict within --timeout " + timeout, e);
      } catch (WorkflowFailedException e) {
        report = failedReport(e);
        if (report == null) {
          throw e;
        }
      }
      print(out(), report);
      out().flush();
      return report.passed() ? ExitCodes.OK : ExitCodes.DRILL_FAILED;
    }
  }

  /** The request of {@code ballast drill} or a scheduled drill; durations checked. */
  static DrillRequest request(String maxFailover, String timeout, List<String> webhooks, Map<String, String> env) {
    Duration max = ScheduleCommand.duration("--max-failover", maxFailover);
    Duration total = ScheduleCommand.duration("--timeout", timeout);
    if (max.isZero() || max.isNegative() || total.compareTo(max) <= 0) {
      throw new CliException(ExitCodes.USAGE, "--max-failover must be positive and shorter than --timeout");
    }
    List<String> hooks = new ArrayList<>(webhooks);
    String fromEnv = env.get(JobFlags.ENV_ALERT_WEBHOOKS);
    if (hooks.isEmpty() && fromEnv != null) {
      for (String w : fromEnv.split(",")) {
        if (!w.isBlank()) {
          hooks.add(w.trim());
        }
      }
    }
    return new DrillRequest(max.toMillis(), total.toMillis(), hooks);
  }

  /**
   * The identities that polled {@code queue} lately, as the server's DescribeTaskQueue lists them
   * (a worker that died a few minutes ago may still be listed); null when the service cannot say
   * (the embedded service): the drill's own bounded wait then decides.
   */
  static List<String> pollers(JobConnection connection, String queue, TaskQueueType type) {
    try {
      List<PollerInfo> pollers =
          connection
              .stubs()
              .blockingStub()
              .describeTaskQueue(
                  DescribeTaskQueueRequest.newBuilder()
                      .setNamespace(connection.client().getOptions().getNamespace())
                      .setTaskQueue(TaskQueue.newBuilder().setName(queue).build())
                      .setTaskQueueType(type)
                      .build())
              .getPollersList();
      List<String> ids = new ArrayList<>();
      for (PollerInfo p : pollers) {
        ids.add(p.getIdentity());
      }
      return ids;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return null;
      }
      throw e;
    }
  }

  /** The report a failed drill carries, or null when it failed otherwise. */
  static DrillReport failedReport(WorkflowFailedException e) {
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof ApplicationFailure a && DrillReport.FAILED.equals(a.getType())) {
        try {
          return a.getDetails().get(DrillReport.class);
        } catch (RuntimeException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  static void print(PrintWriter out, DrillReport r) {
    out.println("drill " + r.drillId() + " " + (r.passed() ? "PASSED" : "FAILED") + ": " + r.verdict());
    out.println("  failover   " + (r.failoverMillis() < 0 ? "none (no other worker resumed the chunk)"
        : String.format(Locale.ROOT, "%.1f s", r.failoverMillis() / 1000.0))
        + String.format(Locale.ROOT, " (objective %.1f s)", r.maxFailoverMillis() / 1000.0));
    out.println("  stopped    " + (r.stoppedWorker() == null ? "-" : r.stoppedWorker()
        + " (exit code " + DrillActivitiesImpl.EXIT_CODE + ")"));
    out.println("  resumed    " + (r.resumedWorker() == null ? "-" : r.resumedWorker()
        + " (from step " + r.resumedFromStep() + " of " + r.steps() + ")"));
    out.println("  output     " + (r.outputCorrect() ? "correct" : r.resumedWorker() == null ? "-" : "WRONG"));
  }
}
