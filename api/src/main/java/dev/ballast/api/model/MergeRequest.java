package dev.ballast.api.model;

import java.util.List;
import java.util.Map;

/**
 * The input of the merge stage.
 *
 * @param jobId the job's id
 * @param type job type
 * @param stagingDir the job's staging directory
 * @param parameters the job type's parameters
 * @param chunks every chunk, in order, in requests of earlier versions (null when {@code plan} is
 *     given): merge reads their staged results in this order
 * @param counts the counts reported by the process stage, checked against the staged results
 * @param plan the staged plan whose chunks merge reads, in order (null in requests of earlier
 *     versions)
 */
public record MergeRequest(
    String jobId,
    String type,
    String stagingDir,
    Map<String, Object> parameters,
    List<ChunkRef> chunks,
    Counts counts,
    PlanRef plan) {

  /** A request carrying its chunks. */
  public MergeRequest(
      String jobId, String type, String stagingDir, Map<String, Object> parameters,
      List<ChunkRef> chunks, Counts counts) {
    this(jobId, type, stagingDir, parameters, chunks, counts, null);
  }
}
