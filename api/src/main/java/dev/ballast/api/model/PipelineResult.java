package dev.ballast.api.model;

import java.util.List;

/**
 * The outcome of a pipeline.
 *
 * @param pipelineId the pipeline's id
 * @param stages each stage's result, in order (for a skipped stage, read back from its manifest)
 * @param skippedStages 0-based indexes of the stages whose published result from an earlier run
 *     was intact, so they were not run again
 */
public record PipelineResult(String pipelineId, List<JobResult> stages, List<Integer> skippedStages) {}
