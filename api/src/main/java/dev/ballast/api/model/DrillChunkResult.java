package dev.ballast.api.model;

/**
 * What the drill chunk's resumed attempt returns.
 *
 * @param steps steps done in all
 * @param sum the sum of all steps (checkpointed part plus resumed part)
 * @param resumedFromStep the checkpointed step the attempt resumed from (0: it did not resume)
 * @param stoppedWorker identity of the worker that stopped mid-chunk (null if none did)
 * @param stoppedAtMillis when it stopped, epoch millis, server clock
 * @param resumedWorker identity of the worker that finished the chunk
 * @param resumedAtMillis when the server handed the chunk to it, epoch millis, server clock
 * @param attempt the attempt that finished
 */
public record DrillChunkResult(
    int steps,
    long sum,
    int resumedFromStep,
    String stoppedWorker,
    long stoppedAtMillis,
    String resumedWorker,
    long resumedAtMillis,
    int attempt) {}
