package dev.ballast.api.model;

/**
 * What a chunk activity reports. The chunk's rows and rejects stay in its staged files.
 *
 * @param index the chunk's index
 * @param counts rows of the chunk by outcome
 * @param attempt the activity attempt that finished the chunk (1 = first)
 * @param resumedFrom byte offset within the file where this attempt started (the chunk's start
 *     unless it resumed from a heartbeat checkpoint)
 * @param redoneBytes bytes this attempt processed again that an earlier attempt had already
 *     processed without checkpointing them
 * @param reused true when a verified staged result of an earlier run was reused as is
 */
public record ChunkResult(
    int index, Counts counts, int attempt, long resumedFrom, long redoneBytes, boolean reused) {}
