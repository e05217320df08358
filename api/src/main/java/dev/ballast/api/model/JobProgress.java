package dev.ballast.api.model;

/**
 * Where a job stands, as answered by the job workflow's {@code progress} query.
 *
 * @param jobId the job's id
 * @param type job type
 * @param stage current stage (PLAN, PROCESS, MERGE, COMMIT), or DONE
 * @param paused whether the job is paused
 * @param chunksDone finished chunks
 * @param chunksTotal all chunks (0 until planned)
 * @param bytesDone input bytes of the finished chunks
 * @param bytesTotal all input bytes (0 until planned)
 * @param counts rows of the finished chunks
 * @param startedAt when the job started (ISO-8601)
 * @param message a short human-readable status
 */
public record JobProgress(
    String jobId,
    String type,
    String stage,
    boolean paused,
    int chunksDone,
    int chunksTotal,
    long bytesDone,
    long bytesTotal,
    Counts counts,
    String startedAt,
    String message) {}
