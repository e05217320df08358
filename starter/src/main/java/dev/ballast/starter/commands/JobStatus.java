package dev.ballast.starter.commands;

import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.starter.ChunkDiagnosis;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFailures;
import dev.ballast.starter.ProgressText;
import dev.ballast.starter.WorkflowQueries;
import dev.ballast.starter.Workflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a job stands, as the fields {@code ballast status JOB} shows: from its description, its
 * {@code progress} query, its result or failure, and the diagnosis of its troubled chunks.
 */
final class JobStatus {
  private JobStatus() {}

  /** The status fields of job {@code id}, in display order. */
  static Map<String, Object> of(JobConnection connection, String id) {
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
    WorkflowEnding<JobResult> ending = WorkflowEnding.of(stub, raw, JobResult.class);
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
    s.put("skipped", counts == null ? 0 : counts.skipped());
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

  /** Puts {@code closedAt} and, once started, the time since the start (to the close, if closed). */
  static void putCloseAndElapsed(Map<String, Object> s, WorkflowExecutionDescription description) {
    Instant start = description.getStartTime();
    Instant close = description.getCloseTime();
    s.put("closedAt", close == null ? null : close.toString());
    if (start != null) {
      Duration elapsed = Duration.between(start, close == null ? Instant.now() : close);
      s.put("elapsed", ProgressText.clock(elapsed));
      s.put("elapsedSeconds", elapsed.toSeconds());
    }
  }
}
