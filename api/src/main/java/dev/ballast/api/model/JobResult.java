package dev.ballast.api.model;

import java.util.List;

/**
 * The result of a finished job.
 *
 * @param jobId the job's id
 * @param outputDir where the outputs were published
 * @param counts rows by outcome
 * @param files the published files, the manifest last
 * @param backupDir where the replaced result went, or null
 * @param startedAt when the job started (ISO-8601)
 * @param finishedAt when it published (ISO-8601)
 * @param chunks chunks processed
 * @param retriedChunks chunks that needed more than one attempt
 * @param redoneBytes bytes processed twice because of retries
 * @param failedOverChunks chunks rescheduled on the process stage's backup task queue
 */
public record JobResult(
    String jobId,
    String outputDir,
    Counts counts,
    List<OutputFile> files,
    String backupDir,
    String startedAt,
    String finishedAt,
    int chunks,
    int retriedChunks,
    long redoneBytes,
    List<Integer> failedOverChunks) {}
