package dev.ballast.api.model;

/**
 * The outcome of the process stage.
 *
 * @param counts rows of the whole job by outcome
 * @param chunks chunks processed
 * @param retriedChunks chunks that needed more than one attempt
 * @param redoneBytes bytes processed twice because of retries
 * @param runs continue-as-new runs the stage took
 * @param failedOver indexes of the chunks rescheduled on the backup task queue
 */
public record ProcessResult(
    Counts counts,
    int chunks,
    int retriedChunks,
    long redoneBytes,
    int runs,
    java.util.List<Integer> failedOver) {}
