package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.TaskQueues;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.TemporalOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkerVersioningMode;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast workers [--json] [--check]}. */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = {
      "Lists every worker polling Ballast's task queues (" + TaskQueues.JOBS + " workflow and activity"
          + " tasks, " + TaskQueues.CHUNKS + " activity tasks) with its identity, build id, whether"
          + " it is versioned and when it last polled, grouped by build. The server lists a poller"
          + " for a few minutes after its last poll.",
      "Warns when more than one build polls without versioning (a rolling upgrade without"
          + " versioning: a job's workflow tasks may replay on either build) and when a queue has"
          + " no poller. With --check a warning exits 1."
    })
public class WorkersCommand extends BaseCommand {
  /** The queues and task types Ballast's workers poll. */
  static final List<Map.Entry<String, TaskQueueType>> POLLED =
      List.of(
          Map.entry(TaskQueues.JOBS, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
          Map.entry(TaskQueues.JOBS, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
          Map.entry(TaskQueues.CHUNKS, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY));

  @Mixin TemporalOptions temporal;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--check", description = "Exit 1 when there is a warning (for scripts and probes).")
  boolean check;

  /** One poller of one queue and task type. */
  public record Poller(
      String identity,
      String taskQueue,
      String taskType,
      String buildId,
      String deployment,
      boolean versioned,
      String lastPoll) {}

  /** The pollers of one build. */
  public record Build(String buildId, boolean versioned, String deployment, List<Poller> pollers) {}

  /** What {@code --json} prints. */
  public record Report(List<Build> builds, List<String> warnings) {}

  @Override
  protected int execute() throws Exception {
    Report report;
    try (JobConnection connection = JobConnection.open(temporal, env(), "workers")) {
      report = report(connection.stubs(), temporal.namespace(env()), Instant.now());
    }
    if (json) {
      ObjectMapper mapper =
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT);
      out().println(mapper.writeValueAsString(report));
    } else {
      print(report, Instant.now());
    }
    for (String warning : report.warnings()) {
      err().println("warning: " + warning);
    }
    out().flush();
    err().flush();
    return check && !report.warnings().isEmpty() ? ExitCodes.JOB_FAILED : ExitCodes.OK;
  }

  /**
   * Describes Ballast's queues.
   *
   * @throws CliException with {@link ExitCodes#NOT_SUPPORTED} when the service does not list its
   *     pollers
   */
  public static Report report(WorkflowServiceStubs stubs, String namespace, Instant now) {
    List<Poller> all = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, TaskQueueType> polled : POLLED) {
      List<PollerInfo> pollers;
      try {
        pollers =
            stubs
                .blockingStub()
                .describeTaskQueue(
                    DescribeTaskQueueRequest.newBuilder()
                        .setNamespace(namespace)
                        .setTaskQueue(TaskQueue.newBuilder().setName(polled.getKey()))
                        .setTaskQueueType(polled.getValue())
                        .build())
                .getPollersList();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          throw new CliException(
              ExitCodes.NOT_SUPPORTED,
              "this Temporal service does not list its pollers (DescribeTaskQueue is unimplemented)");
        }
        throw e;
      }
      String type = typeName(polled.getValue());
      if (pollers.isEmpty()) {
        warnings.add(polled.getKey() + " (" + type + " tasks) has no poller");
      }
      for (PollerInfo p : pollers) {
        all.add(poller(p, polled.getKey(), type));
      }
    }
    Map<String, Build> builds = new TreeMap<>();
    for (Poller p : all) {
      String key = p.buildId() + (p.versioned() ? " versioned" : " unversioned");
      builds
          .computeIfAbsent(key, k -> new Build(p.buildId(), p.versioned(), p.deployment(), new ArrayList<>()))
          .pollers()
          .add(p);
    }
    Set<String> unversioned = new LinkedHashSet<>();
    for (Build b : builds.values()) {
      if (!b.versioned()) {
        unversioned.add(b.buildId());
      }
    }
    if (unversioned.size() > 1) {
      warnings.add(
          unversioned.size() + " builds poll without versioning (" + String.join(", ", unversioned)
              + "): a running job's workflow tasks may replay on any of them; run the pool"
              + " versioned (BALLAST_VERSIONING=auto on a Temporal server) or stop all but one build");
    }
    return new Report(List.copyOf(builds.values()), List.copyOf(warnings));
  }

  private static Poller poller(PollerInfo p, String queue, String type) {
    String buildId = "";
    String deployment = "";
    boolean versioned = false;
    if (p.hasDeploymentOptions()) {
      buildId = p.getDeploymentOptions().getBuildId();
      deployment = p.getDeploymentOptions().getDeploymentName();
      versioned =
          p.getDeploymentOptions().getWorkerVersioningMode()
              == WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED;
    } else if (p.hasWorkerVersionCapabilities()) {
      buildId = p.getWorkerVersionCapabilities().getBuildId();
      deployment = p.getWorkerVersionCapabilities().getDeploymentSeriesName();
      versioned = p.getWorkerVersionCapabilities().getUseVersioning();
    }
    String last =
        p.hasLastAccessTime()
            ? Instant.ofEpochSecond(p.getLastAccessTime().getSeconds(), p.getLastAccessTime().getNanos()).toString()
            : null;
    return new Poller(
        p.getIdentity(), queue, type, buildId.isEmpty() ? "(no build id)" : buildId, deployment, versioned, last);
  }

  private void print(Report report, Instant now) {
    if (report.builds().isEmpty()) {
      out().println("no worker polls Ballast's task queues");
    }
    for (Build b : report.builds()) {
      Set<String> identities = new LinkedHashSet<>();
      b.pollers().forEach(p -> identities.add(p.identity()));
      out().println(
          "build " + b.buildId() + " - "
              + (b.versioned() ? "versioned (deployment " + b.deployment() + ")" : "unversioned")
              + ", " + identities.size() + (identities.size() == 1 ? " worker" : " workers"));
      Map<String, List<Poller>> byIdentity = new LinkedHashMap<>();
      for (Poller p : b.pollers()) {
        byIdentity.computeIfAbsent(p.identity(), k -> new ArrayList<>()).add(p);
      }
      for (Map.Entry<String, List<Poller>> e : byIdentity.entrySet()) {
        List<String> polls = new ArrayList<>();
        for (Poller p : e.getValue()) {
          polls.add(p.taskQueue() + "/" + p.taskType() + " " + ago(p.lastPoll(), now));
        }
        out().println("  " + e.getKey() + "  " + String.join(", ", polls));
      }
    }
  }

  private static String typeName(TaskQueueType type) {
    return type == TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW ? "workflow" : "activity";
  }

  private static String ago(String last, Instant now) {
    if (last == null) {
      return "(no poll time)";
    }
    long s = Math.max(0, Duration.between(Instant.parse(last), now).getSeconds());
    return s < 120 ? s + "s ago" : (s / 60) + "m ago";
  }
}
