package dev.ballast.starter.commands;

import dev.ballast.api.model.JobProgress;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast list}: the jobs Temporal knows, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists jobs and pipelines, newest first: id, type (`pipeline` for a pipeline), status,"
            + " progress (a pipeline's: its current stage), start time and elapsed time. A pipeline's"
            + " stages are listed as the jobs they are (ids like PIPELINE.2-load); stage workflows"
            + " (ids like JOB/plan) are not listed.")
public class ListCommand extends BaseCommand {
  private static final Set<String> STATUSES =
      Set.of("RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED", "TIMED_OUT", "CONTINUED_AS_NEW");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin TemporalOptions temporal;

  @Option(
      names = "--status",
      paramLabel = "S",
      description = "Only jobs with this status: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT.")
  String status;

  @Override
  protected int execute() {
    String wanted = status == null ? null : status.trim().toUpperCase(Locale.ROOT).replace("CANCELLED", "CANCELED");
    if (wanted != null && !STATUSES.contains(wanted)) {
      throw new CliException(
          ExitCodes.USAGE,
          "unknown status '" + status + "' (expected RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED or TIMED_OUT)");
    }
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "list")) {
      String namespace = temporal.namespace(env());
      List<WorkflowExecutionInfo> jobs = new ArrayList<>();
      for (WorkflowExecutionInfo info : executions(connection.stubs().blockingStub(), namespace)) {
        String id = info.getExecution().getWorkflowId();
        String workflowType = info.getType().getName();
        if (!(Jobs.WORKFLOW_TYPE.equals(workflowType) || Pipelines.WORKFLOW_TYPE.equals(workflowType))
            || id.contains("/")) {
          continue;
        }
        if (wanted != null && !wanted.equals(Jobs.statusName(info.getStatus()))) {
          continue;
        }
        jobs.add(info);
      }
      jobs.sort(Comparator.comparing((WorkflowExecutionInfo i) -> instant(i.getStartTime())).reversed());
      String format = "%-34s %-12s %-10s %-22s %-19s %8s%n";
      out().printf(format, "ID", "TYPE", "STATUS", "PROGRESS", "STARTED", "ELAPSED");
      for (WorkflowExecutionInfo info : jobs) {
        String id = info.getExecution().getWorkflowId();
        boolean pipeline = Pipelines.WORKFLOW_TYPE.equals(info.getType().getName());
        Optional<JobProgress> p = pipeline ? Optional.empty() : progress(connection, info);
        Instant started = instant(info.getStartTime());
        boolean open = "RUNNING".equals(Jobs.statusName(info.getStatus()));
        Instant end =
            info.hasCloseTime() && info.getCloseTime().getSeconds() > 0
                ? instant(info.getCloseTime())
                : open ? Instant.now() : null;
        out().printf(
            format,
            id,
            pipeline ? "pipeline" : p.map(JobProgress::type).orElse("-"),
            Jobs.statusName(info.getStatus()),
            pipeline ? pipelineProgressText(connection, id) : p.map(ListCommand::progressText).orElse("-"),
            TIME.format(started),
            end == null ? "-" : Jobs.clock(Duration.between(started, end)));
      }
      out().flush();
      return 0;
    }
  }

  private static Optional<JobProgress> progress(JobConnection connection, WorkflowExecutionInfo info) {
    try {
      return Jobs.progress(connection.client(), info.getExecution().getWorkflowId());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code stage 2/3 load running}, from the pipeline's query; {@code -} when unanswered. */
  private static String pipelineProgressText(JobConnection connection, String id) {
    try {
      return Pipelines.progress(connection.client(), id)
          .filter(p -> p.current() >= 0 && p.current() < p.stages().size())
          .map(p -> "stage " + (p.current() + 1) + "/" + p.stages().size() + " "
              + p.stages().get(p.current()).type() + " " + p.stages().get(p.current()).state().label())
          .orElse("-");
    } catch (RuntimeException e) {
      return "-";
    }
  }

  private static String progressText(JobProgress p) {
    return p.chunksTotal() > 0
        ? p.stage() + " " + p.chunksDone() + "/" + p.chunksTotal()
        : String.valueOf(p.stage());
  }

  /**
   * Every workflow execution of the namespace. ListWorkflowExecutions (visibility queries) is
   * UNIMPLEMENTED on the embedded service: fall back to the open and closed lists there.
   */
  static List<WorkflowExecutionInfo> executions(WorkflowServiceBlockingStub stub, String namespace) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    try {
      ByteString token = ByteString.EMPTY;
      do {
        ListWorkflowExecutionsResponse page =
            stub.listWorkflowExecutions(
                ListWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setQuery("WorkflowType = '" + Jobs.WORKFLOW_TYPE + "' OR WorkflowType = '"
                        + Pipelines.WORKFLOW_TYPE + "'")
                    .setPageSize(1000)
                    .setNextPageToken(token)
                    .build());
        all.addAll(page.getExecutionsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      return all;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page =
          stub.listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(1000)
                  .setNextPageToken(token)
                  .build());
      all.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    token = ByteString.EMPTY;
    do {
      ListClosedWorkflowExecutionsResponse page =
          stub.listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(1000)
                  .setNextPageToken(token)
                  .build());
      all.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
