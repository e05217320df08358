package dev.ballast.api.model;

/**
 * Progress of the process stage, as sent to the job workflow and answered by its query.
 *
 * @param chunksDone finished chunks
 * @param chunksTotal all chunks
 * @param bytesDone input bytes of the finished chunks
 * @param counts rows of the finished chunks
 * @param inFlight chunks being processed now
 * @param paused whether dispatching is paused
 * @param runs continue-as-new runs so far
 */
public record ProcessProgress(
    int chunksDone, int chunksTotal, long bytesDone, Counts counts, int inFlight, boolean paused, int runs) {}
