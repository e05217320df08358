package dev.ballast.starter.commands;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.model.JobProgress;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.ProgressText;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.WorkflowQueries;
import dev.ballast.starter.Workflows;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast list}: the jobs Temporal knows, newest first, and how many there are by status. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists jobs and pipelines: id, type (`pipeline` for a pipeline), status, progress (a"
          + " pipeline's: its current stage), start time and elapsed time, then one line counting"
          + " every matching job by status. A pipeline's stages are listed as the jobs they are (ids"
          + " like PIPELINE.2-load); stage workflows (ids like JOB/plan) are not listed.",
      "At most --limit jobs are shown, newest start first. On a real Temporal server they are the"
          + " first the server lists (running jobs first, then the most recently closed), paged 100 at"
          + " a time, and the counts come from the server (CountWorkflowExecutions); on the embedded"
          + " service every job is listed and counted, then the newest are shown.",
      "--query needs a real server's visibility store (the embedded service has none: exit 2)."
    })
public class ListCommand extends BaseCommand {
  /** Jobs shown without --limit. */
  public static final int DEFAULT_LIMIT = 100;
  /** Executions asked for per ListWorkflowExecutions page. */
  public static final int PAGE_SIZE = 100;
  /** Progress queries run at the same time. */
  private static final int QUERY_THREADS = 8;

  /** Status names as shown, and as the visibility query language spells them. */
  private static final Map<String, String> STATUSES = new LinkedHashMap<>();

  static {
    STATUSES.put("RUNNING", "Running");
    STATUSES.put("COMPLETED", "Completed");
    STATUSES.put("FAILED", "Failed");
    STATUSES.put("CANCELED", "Canceled");
    STATUSES.put("TERMINATED", "Terminated");
    STATUSES.put("TIMED_OUT", "TimedOut");
    STATUSES.put("CONTINUED_AS_NEW", "ContinuedAsNew");
  }

  private static final String JOBS_QUERY =
      "(WorkflowType = '" + Jobs.WORKFLOW_TYPE + "' OR WorkflowType = '" + Pipelines.WORKFLOW_TYPE + "')";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin TemporalOptions temporal;

  @Option(
      names = "--status",
      paramLabel = "S",
      description = "Only jobs with this status: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT.")
  String status;

  @Option(
      names = "--query",
      paramLabel = "Q",
      description =
          "Only jobs matching this visibility query, passed to the server, e.g. \"BallastJobType ="
              + " 'settlement' AND BallastStage = 'PROCESS'\" (search attributes: `ballast setup`)."
              + " A real server only; no ORDER BY.")
  String query;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Show at most N jobs (default: " + DEFAULT_LIMIT + "; 0: all of them).")
  int limit = DEFAULT_LIMIT;

  /** What was listed: the jobs to show, and the counts of every matching job by status. */
  record Listing(List<WorkflowExecutionInfo> jobs, Map<String, Long> counts, long total) {}

  @Override
  protected int execute() {
    String wanted = status == null ? null : status.trim().toUpperCase(Locale.ROOT).replace("CANCELLED", "CANCELED");
    if (wanted != null && !STATUSES.containsKey(wanted)) {
      throw new CliException(
          ExitCodes.USAGE,
          "unknown status '" + status + "' (expected RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED or TIMED_OUT)");
    }
    if (limit < 0) {
      throw new CliException(ExitCodes.USAGE, "--limit must be 0 (all) or more, not " + limit);
    }
    String filter = query == null || query.isBlank() ? null : query.trim();
    try (JobConnection connection = JobConnection.open(temporal, env(), "list")) {
      String namespace = temporal.namespace(env());
      WorkflowServiceBlockingStub stub = connection.stubs().blockingStub();
      Listing listing;
      try {
        listing = fromVisibility(stub, namespace, wanted, filter);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          throw new CliException(ExitCodes.USAGE, "bad --query: " + e.getStatus().getDescription(), e);
        }
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        if (filter != null) {
          throw new CliException(ExitCodes.USAGE, "--query needs a Temporal server with a visibility store;"
              + " the service at " + connection.address() + " (the embedded service) cannot answer visibility"
              + " queries: use --status, or run a real server (see README)");
        }
        listing = fromOpenAndClosed(stub, namespace, wanted);
      }
      print(connection, listing);
      return 0;
    }
  }

  private void print(JobConnection connection, Listing listing) {
    List<WorkflowExecutionInfo> jobs = listing.jobs();
    List<Supplier<String[]>> describe = new ArrayList<>();
    for (WorkflowExecutionInfo info : jobs) {
      describe.add(() -> typeAndProgress(connection, info));
    }
    List<String[]> described = boundedAll(describe, new String[] {"-", "-"});
    String format = "%-34s %-12s %-10s %-22s %-19s %8s%n";
    out().printf(format, "ID", "TYPE", "STATUS", "PROGRESS", "STARTED", "ELAPSED");
    for (int i = 0; i < jobs.size(); i++) {
      WorkflowExecutionInfo info = jobs.get(i);
      Instant started = instant(info.getStartTime());
      boolean open = info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
      Instant end =
          info.hasCloseTime() && info.getCloseTime().getSeconds() > 0
              ? instant(info.getCloseTime())
              : open ? Instant.now() : null;
      out().printf(
          format,
          info.getExecution().getWorkflowId(),
          described.get(i)[0],
          Workflows.statusName(info.getStatus()),
          described.get(i)[1],
          TIME.format(started),
          end == null ? "-" : ProgressText.clock(Duration.between(started, end)));
    }
    out().println(countsLine(listing));
    out().flush();
  }

  /** {@code 3 jobs: 1 RUNNING, 2 COMPLETED}, and how many of them are shown when not all. */
  static String countsLine(Listing listing) {
    StringBuilder line = new StringBuilder();
    line.append(listing.total()).append(listing.total() == 1 ? " job" : " jobs");
    String sep = ": ";
    for (Map.Entry<String, Long> e : listing.counts().entrySet()) {
      line.append(sep).append(e.getValue()).append(' ').append(e.getKey());
      sep = ", ";
    }
    if (listing.jobs().size() < listing.total()) {
      line.append("; showing ").append(listing.jobs().size()).append(" (--limit N shows more, --limit 0 all)");
    }
    return line.toString();
  }

  /** Type and progress columns of a job: from its search attributes, else from its queries. */
  private static String[] typeAndProgress(JobConnection connection, WorkflowExecutionInfo info) {
    String id = info.getExecution().getWorkflowId();
    if (Pipelines.WORKFLOW_TYPE.equals(info.getType().getName())) {
      return new String[] {"pipeline", pipelineProgressText(connection, id)};
    }
    Optional<String> type = attribute(info, JobSearchAttributes.JOB_TYPE.getName());
    Optional<String> stage = attribute(info, JobSearchAttributes.STAGE.getName());
    Optional<String> percent = attribute(info, JobSearchAttributes.PROGRESS.getName());
    boolean open = info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    if (type.isPresent() && stage.isPresent() && !open) {
      // A closed job's query would replay its whole history on a worker: its attributes say enough.
      return new String[] {type.get(), stage.get() + percent.map(p -> " " + p + "%").orElse("")};
    }
    Optional<JobProgress> p;
    try {
      p = WorkflowQueries.jobProgress(connection.client(), id);
    } catch (RuntimeException e) {
      p = Optional.empty();
    }
    return new String[] {
      p.map(JobProgress::type).or(() -> type).orElse("-"),
      p.map(ListCommand::progressText)
          .or(() -> stage.map(s -> s + percent.map(x -> " " + x + "%").orElse("")))
          .orElse("-")
    };
  }

  /** A custom search attribute's value as text, when the execution carries it. */
  private static Optional<String> attribute(WorkflowExecutionInfo info, String name) {
    Payload payload = info.getSearchAttributes().getIndexedFieldsMap().get(name);
    if (payload == null) {
      return Optional.empty();
    }
    try {
      Object value = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, Object.class, Object.class);
      return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs {@code tasks} a few at a time and returns their results, {@code fallback} for any that did
   * not end within {@link WorkflowQueries#TIMEOUT} plus a second after the first started: a listing of
   * many jobs that no worker answers for takes seconds, not minutes.
   */
  private static <T> List<T> boundedAll(List<Supplier<T>> tasks, T fallback) {
    if (tasks.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(QUERY_THREADS, tasks.size()), r -> {
          Thread t = new Thread(r, "ballast-list-query");
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Supplier<T> task : tasks) {
        futures.add(pool.submit(task::get));
      }
      long deadline = System.nanoTime() + WorkflowQueries.TIMEOUT.plusSeconds(1).toNanos();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
          future.cancel(true);
          results.add(fallback);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          results.add(fallback);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code stage 2/3 load running}, from the pipeline's query; {@code -} when unanswered. */
  private static String pipelineProgressText(JobConnection connection, String id) {
    try {
      return WorkflowQueries.pipelineProgress(connection.client(), id)
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
   * A real server: the server filters ({@code ListWorkflowExecutions} with the job types, the
   * status and the user's query), pages of {@link #PAGE_SIZE} until {@link #limit} jobs are in,
   * and counts every match by status ({@code CountWorkflowExecutions ... GROUP BY
   * ExecutionStatus}).
   *
   * @throws StatusRuntimeException UNIMPLEMENTED on the embedded service, INVALID_ARGUMENT for a bad
   *     query
   */
  private Listing fromVisibility(
      WorkflowServiceBlockingStub stub, String namespace, String wanted, String filter) {
    StringBuilder q = new StringBuilder(JOBS_QUERY);
    if (wanted != null) {
      q.append(" AND ExecutionStatus = '").append(STATUSES.get(wanted)).append('\'');
    }
    if (filter != null) {
      q.append(" AND (").append(filter).append(')');
    }
    List<WorkflowExecutionInfo> jobs = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          stub.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setQuery(q.toString())
                  .setPageSize(PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        if (limit == 0 || jobs.size() < limit) {
          jobs.add(info);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty() && (limit == 0 || jobs.size() < limit));
    jobs.sort(newestFirst());

    CountWorkflowExecutionsResponse counted =
        stub.countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace)
                .setQuery(q + " GROUP BY ExecutionStatus")
                .build());
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (CountWorkflowExecutionsResponse.AggregationGroup group : counted.getGroupsList()) {
      String value =
          DefaultDataConverter.STANDARD_INSTANCE.fromPayload(group.getGroupValues(0), String.class, String.class);
      byStatus.merge(shownStatus(value), group.getCount(), Long::sum);
    }
    return new Listing(jobs, ordered(byStatus), counted.getCount());
  }

  /**
   * The embedded service (no ListWorkflowExecutions): every open and closed execution, filtered,
   * counted and sorted here.
   */
  private Listing fromOpenAndClosed(WorkflowServiceBlockingStub stub, String namespace, String wanted) {
    List<WorkflowExecutionInfo> jobs = new ArrayList<>();
    for (WorkflowExecutionInfo info : openAndClosed(stub, namespace)) {
      String workflowType = info.getType().getName();
      if (!(Jobs.WORKFLOW_TYPE.equals(workflowType) || Pipelines.WORKFLOW_TYPE.equals(workflowType))
          || info.getExecution().getWorkflowId().contains("/")) {
        continue;
      }
      if (wanted != null && !wanted.equals(Workflows.statusName(info.getStatus()))) {
        continue;
      }
      jobs.add(info);
    }
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (WorkflowExecutionInfo info : jobs) {
      byStatus.merge(Workflows.statusName(info.getStatus()), 1L, Long::sum);
    }
    jobs.sort(newestFirst());
    long total = jobs.size();
    List<WorkflowExecutionInfo> shown = limit == 0 || jobs.size() <= limit ? jobs : jobs.subList(0, limit);
    return new Listing(shown, ordered(byStatus), total);
  }

  /** Counts in the order of {@link #STATUSES}. */
  private static Map<String, Long> ordered(Map<String, Long> counts) {
    Map<String, Long> ordered = new LinkedHashMap<>();
    STATUSES.keySet().forEach(s -> {
      if (counts.containsKey(s)) {
        ordered.put(s, counts.get(s));
      }
    });
    counts.forEach(ordered::putIfAbsent);
    return ordered;
  }

  /** {@code Running} to {@code RUNNING}, {@code TimedOut} to {@code TIMED_OUT}... */
  private static String shownStatus(String queryValue) {
    for (Map.Entry<String, String> e : STATUSES.entrySet()) {
      if (e.getValue().equalsIgnoreCase(queryValue)) {
        return e.getKey();
      }
    }
    return queryValue.toUpperCase(Locale.ROOT);
  }

  private static Comparator<WorkflowExecutionInfo> newestFirst() {
    return Comparator.comparing((WorkflowExecutionInfo i) -> instant(i.getStartTime())).reversed();
  }

  /** Every workflow execution of the namespace, from the open and the closed lists. */
  static List<WorkflowExecutionInfo> openAndClosed(WorkflowServiceBlockingStub stub, String namespace) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
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
