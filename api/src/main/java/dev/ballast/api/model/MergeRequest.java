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
 * @param chunks every chunk, in order: merge reads their staged results in this order
 * @param counts the counts reported by the process stage, checked against the staged results
 */
public record MergeRequest(
    String jobId,
    String type,
    String stagingDir,
    Map<String, Object> parameters,
    List<ChunkRef> chunks,
    Counts counts) {}
