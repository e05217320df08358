package dev.ballast.starter;

import dev.ballast.api.Causes;
import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.workflow.JobWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting, following and describing jobs: what the job commands share. */
public final class Jobs {
  /** The job workflow's type name. */
  public static final String WORKFLOW_TYPE = "BallastJob";

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private Jobs() {}

  /** A job id like {@code settlement-20261127-101500}. */
  public static String generateId(String type) {
    return type + "-" + LocalDateTime.now().format(ID_TIME);
  }

  /** The spec with its id filled in (generated from the type when it has none). */
  public static JobSpec withId(JobSpec spec) {
    return spec.id() == null || spec.id().isBlank() ? spec.withId(generateId(spec.type())) : spec;
  }

  /**
   * Options to start a job or pipeline {@code id} on the jobs queue: an id that is running is a
   * conflict, a failed or cancelled one may be started again, a completed one only when {@code
   * rerun}.
   */
  static WorkflowOptions.Builder startOptions(String id, boolean rerun, String summary) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.JOBS)
        .setWorkflowIdReusePolicy(
            rerun
                ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
                : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary(summary);
  }

  /**
   * Starts the job workflow of {@code spec} (which has an id). A failed or cancelled job may be
   * started again with the same id (its staging lets it resume); a completed one only with {@code
   * rerun}.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when the id is taken
   */
  public static void start(WorkflowClient client, JobSpec spec, boolean rerun) {
    WorkflowOptions options = startOptions(spec.id(), rerun, summary(spec)).build();
    if (searchAttributesRegistered(client)) {
      options =
          WorkflowOptions.newBuilder(options)
              .setTypedSearchAttributes(
                  io.temporal.common.SearchAttributes.newBuilder()
                      .set(JobSearchAttributes.JOB_TYPE, spec.type())
                      .set(JobSearchAttributes.STAGE, "PLAN")
                      .set(JobSearchAttributes.PROGRESS, 0L)
                      .build())
              .build();
    }
    JobWorkflow job = client.newWorkflowStub(JobWorkflow.class, options);
    try {
      WorkflowClient.start(job::run, spec);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, conflictMessage(client, "job", spec.id()), e);
    }
  }

  /**
   * Whether the namespace has Ballast's search attributes ({@link JobSearchAttributes}) registered
   * with their types ({@code ballast setup}). False on the embedded service, which lacks the
   * search-attribute API, and whenever the answer does not come within {@link #QUERY_TIMEOUT}: a job
   * then simply runs without them.
   */
  public static boolean searchAttributesRegistered(WorkflowClient client) {
    return SearchAttributeRegistry.registered(
        client.getWorkflowServiceStubs(), client.getOptions().getNamespace(), JobSearchAttributes.ALL,
        QUERY_TIMEOUT);
  }

  /** Why starting {@code what} ("job", "pipeline") {@code id} was a conflict, and what to do. */
  static String conflictMessage(WorkflowClient client, String what, String id) {
    WorkflowExecutionStatus status;
    try {
      status = client.newUntypedWorkflowStub(id).describe().getStatus();
    } catch (RuntimeException e) {
      return what + " " + id + " already exists";
    }
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          what + " " + id + " is already running; watch it with ballast watch " + id;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
          what + " " + id + " already completed; pass --rerun to run it again";
      default -> what + " " + id + " already exists (" + statusName(status) + "); pass --rerun to run it again";
    };
  }

  /** One line for the Temporal UI: job type, inputs and output. */
  static String summary(JobSpec spec) {
    String inputs =
        spec.inputs().size() == 1
            ? spec.inputs().get(0)
            : spec.inputs().get(0) + " and " + (spec.inputs().size() - 1) + " more";
    return spec.type() + ": " + inputs + " -> " + spec.output();
  }

  /** RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT... */
  public static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  /** How often {@link #follow} prints a plain progress line on a non-terminal. */
  public static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

  /** How long a progress query may wait for a worker to answer. */
  public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);

  /**
   * The job's progress, or empty when no worker answers within {@link #QUERY_TIMEOUT} (the SDK's
   * own query call keeps retrying for much longer when no worker polls).
   *
   * @throws WorkflowNotFoundException when there is no such job
   */
  public static Optional<JobProgress> progress(WorkflowClient client, String id) {
    return query(client, id, "progress", JobProgress.class);
  }

  /**
   * The answer of the latest run of workflow {@code id} to query {@code queryType}, or empty when
   * no worker answers within {@link #QUERY_TIMEOUT}.
   *
   * @throws WorkflowNotFoundException when there is no such workflow
   */
  public static <T> Optional<T> query(WorkflowClient client, String id, String queryType, Class<T> type) {
    QueryWorkflowResponse response;
    try {
      response =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                      .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType))
                      .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new WorkflowNotFoundException(WorkflowExecution.newBuilder().setWorkflowId(id).build(), WORKFLOW_TYPE, e);
      }
      return Optional.empty();
    }
    if (response.hasQueryRejected() || !response.hasQueryResult()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(response.getQueryResult()), type, type));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code e} says the job (workflow) does not exist. */
  public static boolean isNotFound(Throwable e) {
    return Causes.chain(e).stream()
        .anyMatch(
            t -> t instanceof WorkflowNotFoundException
                || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND));
  }

  /**
   * Follows job {@code id} until it ends, printing a progress bar about every second on a terminal
   * (rewritten in place) or a plain progress line every {@link #PLAIN_EVERY} otherwise, then a
   * summary.
   *
   * @return the exit code: 0 completed, 1 failed or timed out, 3 cancelled or terminated
   */
  public static int follow(WorkflowClient client, String id, PrintWriter out, PrintWriter err, boolean terminal) {
    return follow(client, id, null, out, err, terminal);
  }

  /**
   * Like {@link #follow(WorkflowClient, String, PrintWriter, PrintWriter, boolean)}, but follows
   * run {@code runId} of the job (null: its latest run), e.g. the run a pipeline stage started.
   */
  public static int follow(
      WorkflowClient client, String id, String runId, PrintWriter out, PrintWriter err, boolean terminal) {
    WorkflowStub stub = client.newUntypedWorkflowStub(id, Optional.ofNullable(runId), Optional.empty());
    Instant since = startTime(stub, id);
    CompletableFuture<JobResult> result = stub.getResultAsync(JobResult.class);
    ProgressLine line = new ProgressLine(out, terminal);
    Instant lastPrint = Instant.MIN;
    while (true) {
      try {
        JobResult done = result.get(1, TimeUnit.SECONDS);
        line.finish();
        printSummary(out, done, Duration.between(since, Instant.now()));
        return ExitCodes.OK;
      } catch (TimeoutException e) {
        Optional<JobProgress> p = progress(client, id);
        Instant now = Instant.now();
        Duration every = terminal ? Duration.ZERO : PLAIN_EVERY;
        if (p.isPresent() && Duration.between(lastPrint, now).compareTo(every) >= 0) {
          Duration elapsed = Duration.between(since, now);
          line.show(terminal ? bar(p.get(), elapsed, 24) : format(p.get(), elapsed));
          lastPrint = now;
        }
      } catch (ExecutionException e) {
        line.finish();
        Throwable cause = e.getCause();
        if (isNotFound(cause)) {
          throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "job " + id + " not found", cause);
        }
        if (!(cause instanceof WorkflowException)) {
          throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
        JobFailures failure = JobFailures.explain(cause);
        err.println(failure.describe(id));
        err.flush();
        return failure.outcome().exitCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        line.finish();
        throw new CliException(ExitCodes.JOB_FAILED, "interrupted while following job " + id, e);
      }
    }
  }

  /** When the job started (elapsed time and throughput count from there); now if unknown. */
  private static Instant startTime(WorkflowStub stub, String id) {
    try {
      Instant started = stub.describe().getStartTime();
      return started == null ? Instant.now() : started;
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        throw new CliException(
            ExitCodes.CONFLICT_OR_NOT_FOUND,
            "job " + id + " not found",
            e);
      }
      return Instant.now();
    }
  }

  /**
   * A plain progress line, for logs and pipes: {@code PROCESS  chunks 12/40  rows 1,234,567
   * rejected 321  45,000 rows/s  12.3 MB/s  ETA 00:31  00:12}.
   */
  public static String format(JobProgress p, Duration elapsed) {
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    double mbPerSecond = p.bytesDone() / 1_000_000.0 / seconds;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-8s", p.stage()));
    if (p.paused()) {
      sb.append(" (paused)");
    }
    sb.append(String.format(Locale.ROOT, "  chunks %d/%d", p.chunksDone(), p.chunksTotal()));
    if (p.counts() != null) {
      sb.append(String.format(Locale.ROOT, "  rows %,d  rejected %,d", p.counts().rows(), p.counts().rejected()));
      sb.append(String.format(Locale.ROOT, "  %,.0f rows/s", p.counts().rows() / seconds));
    }
    sb.append(String.format(Locale.ROOT, "  %.1f MB/s", mbPerSecond));
    eta(p, elapsed).ifPresent(eta -> sb.append("  ETA ").append(clock(eta)));
    sb.append("  ").append(clock(elapsed));
    return sb.toString();
  }

  /**
   * A progress bar for a terminal: {@code PROCESS [#######.......] 12/40 chunks  1,234,567 rows
   * 45,000 rows/s  ETA 00:31  rejected 321  00:12}.
   */
  public static String bar(JobProgress p, Duration elapsed, int width) {
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    double fraction =
        p.bytesTotal() > 0
            ? (double) p.bytesDone() / p.bytesTotal()
            : p.chunksTotal() > 0 ? (double) p.chunksDone() / p.chunksTotal() : 0;
    int filled = (int) Math.round(Math.min(1, Math.max(0, fraction)) * width);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-7s ", p.stage()));
    sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append(']');
    sb.append(String.format(Locale.ROOT, " %3d%%  %d/%d chunks", Math.round(fraction * 100), p.chunksDone(), p.chunksTotal()));
    long rows = p.counts() == null ? 0 : p.counts().rows();
    long rejected = p.counts() == null ? 0 : p.counts().rejected();
    sb.append(String.format(Locale.ROOT, "  %,d rows  %,.0f rows/s", rows, rows / seconds));
    sb.append("  ETA ").append(eta(p, elapsed).map(Jobs::clock).orElse("--:--"));
    sb.append(String.format(Locale.ROOT, "  rejected %,d", rejected));
    if (p.paused()) {
      sb.append("  (paused)");
    }
    sb.append("  ").append(clock(elapsed));
    return sb.toString();
  }

  /** Time left at the average byte rate so far; empty before any byte is done or after all. */
  static Optional<Duration> eta(JobProgress p, Duration elapsed) {
    if (p.bytesDone() <= 0 || p.bytesTotal() <= p.bytesDone() || elapsed.toMillis() <= 0
        || !"PROCESS".equals(p.stage())) {
      return Optional.empty();
    }
    double perByte = (double) elapsed.toMillis() / p.bytesDone();
    return Optional.of(Duration.ofMillis((long) (perByte * (p.bytesTotal() - p.bytesDone()))));
  }

  /** {@code mm:ss}, or {@code h:mm:ss} past an hour. */
  public static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  static void printSummary(PrintWriter out, JobResult r, Duration elapsed) {
    out.printf(
        Locale.ROOT, "job %s completed in %.1f s%n", r.jobId(), elapsed.toMillis() / 1000.0);
    if (r.counts() != null) {
      out.printf(
          Locale.ROOT,
          "  rows %,d: accepted %,d, pending %,d, rejected %,d%n",
          r.counts().rows(),
          r.counts().accepted(),
          r.counts().pending(),
          r.counts().rejected());
    }
    out.printf(
        Locale.ROOT,
        "  chunks %d (%d retried, %,d bytes redone)%n",
        r.chunks(),
        r.retriedChunks(),
        r.redoneBytes());
    out.printf("  published to %s%n", r.outputDir());
    if (r.files() != null) {
      for (OutputFile f : r.files()) {
        out.printf(
            Locale.ROOT, "    %s  (%,d bytes)%n", Path.of(r.outputDir()).resolve(f.name()), f.bytes());
      }
    }
    if (r.backupDir() != null) {
      out.printf("  previous result moved to %s%n", r.backupDir());
    }
    out.flush();
  }

  /** A progress line: rewritten in place with \r on a terminal, a plain line otherwise. */
  static final class ProgressLine {
    private final PrintWriter out;
    private final boolean terminal;
    private int width;

    ProgressLine(PrintWriter out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    void show(String text) {
      if (terminal) {
        String padded = text.length() < width ? text + " ".repeat(width - text.length()) : text;
        out.print("\r" + padded);
        width = text.length();
      } else {
        out.println(text);
      }
      out.flush();
    }

    void finish() {
      if (terminal && width > 0) {
        out.println();
        out.flush();
        width = 0;
      }
    }
  }
}
