package dev.ballast.starter.commands;

import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFailures;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.WorkflowQueries;
import dev.ballast.starter.Workflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a pipeline stands, as the fields {@code ballast status PIPELINE} shows: its status and
 * times, each stage, and the full status of the stage's job running now (or of the one that
 * failed).
 */
final class PipelineStatus {
  private PipelineStatus() {}

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
   * full job status ({@link JobStatus}) of the stage running now, or of the stage that failed.
   */
  static Map<String, Object> of(JobConnection connection, String id, WorkflowExecutionDescription description) {
    WorkflowStub stub = connection.client().newUntypedWorkflowStub(id);
    WorkflowExecutionStatus raw = description.getStatus();
    Optional<PipelineProgress> progress = WorkflowQueries.pipelineProgress(connection.client(), id);
    WorkflowEnding<PipelineResult> ending = WorkflowEnding.of(stub, raw, PipelineResult.class);
    PipelineResult result = ending.result();
    JobFailures failure = ending.failure();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("type", "pipeline");
    s.put("status", Workflows.statusName(raw));
    s.put("startedAt", String.valueOf(description.getStartTime()));
    JobStatus.putCloseAndElapsed(s, description);
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
      s.put("stages", lines(p.stages()));
    } else {
      List<StageLine> stages = lines(Pipelines.stagesFromJobs(connection.client(), id));
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
      s.put("stageJob", JobStatus.of(connection, shown.jobId()));
    }
    return s;
  }

  private static List<StageLine> lines(List<StageProgress> stages) {
    List<StageLine> lines = new ArrayList<>();
    for (StageProgress st : stages) {
      lines.add(new StageLine(st.index() + 1, st.type(), st.jobId(), st.state().label()));
    }
    return lines;
  }
}
