package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.ChunkDiagnosis;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFailures;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.ProgressText;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.WorkflowQueries;
import dev.ballast.starter.Workflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast status ID}: where a job stands. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows where a job stands: status (RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED,"
          + " TIMED_OUT), stage, chunks, rows by outcome, start time, elapsed time and its Temporal"
          + " Web UI link (see --ui-url); for a failed job its error and the failing chunk with its attempt count"
          + " and last error; for a running one the chunks being retried; for a completed one its"
          + " published files. --json prints every field for scripts.",
      "For a pipeline: its status, each stage (job type, job id, state: pending, running,"
          + " completed, failed, cancelled or skipped-intact) and, under stageJob, the status of the"
          + " stage's job running now (or of the one that failed), as shown for a job.",
      "Exits 5 when there is no such job."
    })
public class StatusCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--ui-url",
      paramLabel = "URL",
      description =
          "Base URL of the Temporal Web UI, for the job's link (default: $BALLAST_UI_URL). Without"
              + " either, the link is shown only when a Web UI at http://127.0.0.1:8233 (the"
              + " default of `ballast run`/`server`) answers for this very job.")
  String uiUrl;

  /** The Web UI's default base URL (the embedded UI server's default port). */
  public static final String DEFAULT_UI_URL = "http://127.0.0.1:8233";

  @Override
  protected int execute() throws Exception {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "status")) {
      WorkflowExecutionDescription description = Workflows.describe(connection.client(), id);
      Map<String, Object> status =
          Pipelines.isPipeline(description)
              ? pipelineStatus(connection, id, description)
              : status(connection, id);
      String namespace = temporal.namespace(env());
      String base = uiBase(namespace, id, description.getExecution().getRunId());
      if (base != null) {
        status.put("ui", uiLink(base, namespace, id));
        if (status.get("stageJob") instanceof Map<?, ?> stage && stage.get("id") instanceof String jobId) {
          @SuppressWarnings("unchecked")
          Map<String, Object> job = (Map<String, Object>) stage;
          job.put("ui", uiLink(base, namespace, jobId));
        }
      }
      if (json) {
        out().println(
            new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(status));
      } else {
        printText(status, "");
      }
      out().flush();
      return 0;
    }
  }

  /** {@code key: value} lines; a list's items and a nested status (a stage's job) indented. */
  private void printText(Map<?, ?> status, String indent) {
    for (Map.Entry<?, ?> e : status.entrySet()) {
      if (e.getValue() instanceof List<?> list) {
        out().println(indent + e.getKey() + ":");
        for (Object item : list) {
          out().println(indent + "  " + item);
        }
      } else if (e.getValue() instanceof Map<?, ?> nested) {
        out().println(indent + e.getKey() + ":");
        printText(nested, indent + "  ");
      } else if (e.getValue() != null) {
        out().println(indent + e.getKey() + ": " + e.getValue());
      }
    }
  }

  /**
   * One stage of a pipeline as {@code status} shows it: as text {@code 2. load
   * nightly.2-load  running}, in JSON its fields.
   */
  public record StageLine(int stage, String type, String jobId, String state) {
    @Override
    public String toString() {
      return stage + ". " + type + "  " + jobId + "  " + state;
    }
  }

  /**
   * The status fields of pipeline {@code id}: status, times, each stage (job type, job id,
   * state) from the pipeline's {@code pipelineProgress} query, and, under {@code stageJob}, the
   * full job status ({@link #status}) of the stage running now, or of the stage that failed.
   */
  static Map<String, Object> pipelineStatus(
      JobConnection connection, String id, WorkflowExecutionDescription description) {
    WorkflowStub stub = connection.client().newUntypedWorkflowStub(id);
    WorkflowExecutionStatus raw = description.getStatus();
    Optional<PipelineProgress> progress = WorkflowQueries.pipelineProgress(connection.client(), id);
    Ending<PipelineResult> ending = Ending.of(stub, raw, PipelineResult.class);
    PipelineResult result = ending.result();
    JobFailures failure = ending.failure();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("type", "pipeline");
    s.put("status", Workflows.statusName(raw));
    s.put("startedAt", String.valueOf(description.getStartTime()));
    putCloseAndElapsed(s, description);
    StageProgress shown = null;
    if (progress.isPresent()) {
      PipelineProgress p = progress.get();
      if (p.current() >= 0 && p.current() < p.stages().size()) {
        StageProgress current = p.stages().get(p.current());
        s.put("stage", (current.index() + 1) + " of " + p.stages().size() + ": " + current.jobId() + " "
            + current.state().label());
        if (current.runId() != null && current.state() != PipelineProgress.State.COMPLETED) {
          shown = current;
        }
      }
      List<StageLine> stages = new ArrayList<>();
      for (StageProgress st : p.stages()) {
        stages.add(new StageLine(st.index() + 1, st.type(), st.jobId(), st.state().label()));
      }
      s.put("stages", stages);
    } else {
      List<StageLine> stages = new ArrayList<>();
      for (StageProgress st : Pipelines.stagesFromJobs(connection.client(), id)) {
        stages.add(new StageLine(st.index() + 1, st.type(), st.jobId(), st.state().label()));
      }
      if (!stages.isEmpty()) {
        s.put("stages", stages);
      }
      s.put("message", "no worker answered the pipeline's query within " + WorkflowQueries.TIMEOUT.toSeconds()
          + " s (is a worker running?): "
          + (stages.isEmpty()
              ? "its stages are unknown"
              : "stages shown as their jobs are; a stage skipped as intact shows its earlier job"));
    }
    if (failure != null) {
      s.put("error", failure.message());
      s.put("errorType", failure.type());
    }
    if (result != null) {
      List<String> files = new ArrayList<>();
      for (JobResult r : result.stages()) {
        if (r.files() != null) {
          for (OutputFile f : r.files()) {
            files.add(Path.of(r.outputDir()).resolve(f.name()).toString());
          }
        }
      }
      s.put("files", files);
    }
    if (shown != null) {
      // The stage's job, shown exactly as `ballast status JOB` shows it.
      s.put("stageJob", status(connection, shown.jobId()));
    }
    return s;
  }

  /**
   * The Web UI's base URL for the link: {@code --ui-url}, else {@code $BALLAST_UI_URL}, else
   * {@link #DEFAULT_UI_URL} only if a Web UI there answers for this very run (the one {@code
   * ballast run} or {@code server} serves by default, or a dev server's); else null: no link.
   */
  private String uiBase(String namespace, String workflowId, String runId) {
    String base = uiUrl;
    if (base == null || base.isBlank()) {
      base = env().get("BALLAST_UI_URL");
    }
    if (base == null || base.isBlank()) {
      return showsRun(DEFAULT_UI_URL, namespace, workflowId, runId) ? DEFAULT_UI_URL : null;
    }
    base = base.trim();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** Whether the Web UI at {@code base} describes this run (its API answers within a second). */
  public static boolean showsRun(String base, String namespace, String workflowId, String runId) {
    try {
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofMillis(500)).build();
      java.net.http.HttpResponse<String> response =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(base + "/api/v1/namespaces/" + encode(namespace) + "/workflows/"
                          + encode(workflowId) + "?execution.runId=" + encode(runId)))
                  .timeout(java.time.Duration.ofSeconds(1))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && new ObjectMapper()
              .readTree(response.body())
              .path("workflowExecutionInfo")
              .path("execution")
              .path("runId")
              .asText()
              .equals(runId);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code BASE/namespaces/NS/workflows/ID}, the job's page in the Temporal Web UI. */
  public static String uiLink(String base, String namespace, String id) {
    return base + "/namespaces/" + encode(namespace) + "/workflows/" + encode(id);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The status fields of job {@code id}, in display order. */
  static Map<String, Object> status(JobConnection connection, String id) {
    WorkflowStub stub = connection.client().newUntypedWorkflowStub(id);
    WorkflowExecutionDescription description;
    try {
      description = stub.describe();
    } catch (RuntimeException e) {
      if (Workflows.isNotFound(e)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "job " + id + " not found", e);
      }
      throw e;
    }
    WorkflowExecutionStatus raw = description.getStatus();
    Optional<JobProgress> progress = WorkflowQueries.jobProgress(connection.client(), id);
    Ending<JobResult> ending = Ending.of(stub, raw, JobResult.class);
    boolean closed = ending.closed();
    JobResult result = ending.result();
    JobFailures failure = ending.failure();
    Counts counts =
        progress.map(JobProgress::counts).orElse(result == null ? null : result.counts());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("type", progress.map(JobProgress::type).orElse(null));
    s.put("status", Workflows.statusName(raw));
    s.put("stage", progress.map(JobProgress::stage).orElse(result != null ? "DONE" : null));
    s.put("paused", progress.map(JobProgress::paused).orElse(false));
    s.put("chunksDone", progress.map(p -> (Object) p.chunksDone()).orElse(result == null ? 0 : result.chunks()));
    s.put("chunksTotal", progress.map(p -> (Object) p.chunksTotal()).orElse(result == null ? 0 : result.chunks()));
    s.put("bytesDone", progress.map(JobProgress::bytesDone).orElse(0L));
    s.put("bytesTotal", progress.map(JobProgress::bytesTotal).orElse(0L));
    s.put("rows", counts == null ? 0 : counts.rows());
    s.put("accepted", counts == null ? 0 : counts.accepted());
    s.put("pending", counts == null ? 0 : counts.pending());
    s.put("rejected", counts == null ? 0 : counts.rejected());
    s.put(
        "startedAt",
        progress.map(JobProgress::startedAt).orElse(String.valueOf(description.getStartTime())));
    putCloseAndElapsed(s, description);
    s.put("message", progress.map(JobProgress::message).orElse(null));
    if (failure != null) {
      s.put("error", failure.message());
      s.put("errorType", failure.type());
      ChunkDiagnosis.failedChunk(connection.client(), id)
          .ifPresent(
              chunk -> {
                s.put("failedChunk", chunk.index());
                s.put("failedChunkFile", chunk.file());
                s.put("failedChunkLine", chunk.firstLine());
                s.put("attempts", chunk.attempt());
                s.put("lastError", chunk.lastError());
              });
    }
    if (!closed) {
      List<String> retrying = new ArrayList<>();
      for (ChunkDiagnosis.ChunkTrouble t : ChunkDiagnosis.retryingChunks(connection.client(), id)) {
        retrying.add(t.describe());
      }
      if (!retrying.isEmpty()) {
        s.put("retrying", retrying);
      }
    }
    if (result != null) {
      s.put("outputDir", result.outputDir());
      List<String> files = new ArrayList<>();
      if (result.files() != null) {
        for (OutputFile f : result.files()) {
          files.add(Path.of(result.outputDir()).resolve(f.name()).toString());
        }
      }
      s.put("files", files);
    }
    return s;
  }

  /**
   * How a job or pipeline ended, as far as its status tells: whether it is closed, and then its
   * result or the explanation of its failure (neither when the result cannot be had in 5 s).
   */
  private record Ending<T>(boolean closed, T result, JobFailures failure) {
    static <T> Ending<T> of(WorkflowStub stub, WorkflowExecutionStatus status, Class<T> type) {
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
        return new Ending<>(false, null, null);
      }
      try {
        return new Ending<>(true, stub.getResult(5, TimeUnit.SECONDS, type), null);
      } catch (WorkflowException e) {
        return new Ending<>(true, null, JobFailures.explain(e));
      } catch (TimeoutException | RuntimeException e) {
        return new Ending<>(true, null, null); // no result to show
      }
    }
  }

  /** Puts {@code closedAt} and, once started, the time since the start (to the close, if closed). */
  private static void putCloseAndElapsed(Map<String, Object> s, WorkflowExecutionDescription description) {
    java.time.Instant start = description.getStartTime();
    java.time.Instant close = description.getCloseTime();
    s.put("closedAt", close == null ? null : close.toString());
    if (start != null) {
      java.time.Duration elapsed = java.time.Duration.between(start, close == null ? java.time.Instant.now() : close);
      s.put("elapsed", ProgressText.clock(elapsed));
      s.put("elapsedSeconds", elapsed.toSeconds());
    }
  }
}
