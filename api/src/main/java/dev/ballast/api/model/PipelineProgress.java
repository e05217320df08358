package dev.ballast.api.model;

import java.util.List;

/**
 * Where a pipeline stands, as answered by the pipeline workflow's {@code pipelineProgress} query.
 *
 * @param pipelineId the pipeline's id
 * @param current 0-based index of the stage running now (or the one that failed); -1 before the
 *     first stage and after the last
 * @param stages every stage, in order
 */
public record PipelineProgress(String pipelineId, int current, List<StageProgress> stages) {

  /** What a stage is doing. */
  public enum State {
    /** Not reached yet. */
    PENDING,
    /** Being checked for an intact earlier result, or its job is running. */
    RUNNING,
    /** Its job completed in this run of the pipeline. */
    COMPLETED,
    /** Its job failed (or could not start); the pipeline fails with it. */
    FAILED,
    /** Its job was cancelled with the pipeline. */
    CANCELLED,
    /** Its published result from an earlier run was intact, so it was not run again. */
    SKIPPED_INTACT;

    /** {@code pending}, {@code running}, ..., {@code skipped-intact}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One stage of a pipeline.
   *
   * @param index 0-based position in the pipeline
   * @param type the stage's job type
   * @param jobId the stage's job id ({@code PIPELINE.N-TYPE})
   * @param runId the run of the stage's job started by this run of the pipeline; null until it
   *     started (and for a skipped stage)
   * @param state what the stage is doing
   */
  public record StageProgress(int index, String type, String jobId, String runId, State state) {}
}
