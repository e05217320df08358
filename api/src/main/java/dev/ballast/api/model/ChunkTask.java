package dev.ballast.api.model;

import java.util.Map;

/**
 * The input of one chunk activity.
 *
 * @param jobId the job's id
 * @param type job type
 * @param stagingDir the job's staging directory
 * @param parameters the job type's parameters
 * @param chunk the byte range to process
 */
public record ChunkTask(
    String jobId, String type, String stagingDir, Map<String, Object> parameters, ChunkRef chunk) {}
