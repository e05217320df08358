package dev.ballast.api.model;

import dev.ballast.job.policy.StagePolicy;
import java.util.List;
import java.util.Map;

/**
 * The input of the process stage. Its size does not depend on the number of chunks: the stage
 * reads the chunks from the staged plan {@code plan}, a page at a time.
 *
 * @param jobId the job's id; the stage reports progress to this workflow
 * @param type job type
 * @param stagingDir the job's staging directory
 * @param parameters the job type's parameters
 * @param chunks every chunk of the job, in requests of earlier versions only (null otherwise)
 * @param maxInFlight largest number of chunks processed at once
 * @param policy retry and timeout policy of each chunk activity
 * @param historyEventLimit continue as new past this many events
 * @param state progress carried over from an earlier run
 * @param plan the staged plan (null in requests of earlier versions)
 */
public record ProcessRequest(
    String jobId,
    String type,
    String stagingDir,
    Map<String, Object> parameters,
    List<ChunkRef> chunks,
    int maxInFlight,
    StagePolicy policy,
    int historyEventLimit,
    ProcessState state,
    PlanRef plan) {

  public ProcessRequest withState(ProcessState next) {
    return new ProcessRequest(
        jobId, type, stagingDir, parameters, chunks, maxInFlight, policy, historyEventLimit, next,
        plan);
  }

  /** Number of chunks of the job. */
  public int chunkCount() {
    return plan != null ? plan.chunks() : chunks.size();
  }
}
