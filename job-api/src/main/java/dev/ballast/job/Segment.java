package dev.ballast.job;

/**
 * A segment of a chunk about to be staged: records from {@code start} (inclusive) to {@code end}
 * (exclusive) of the input file. Segment boundaries depend only on where the chunk starts and the
 * worker's segment size, so a replayed segment has the same {@code (chunk, start)}.
 *
 * @param chunkIndex the chunk's index in the job
 * @param index the segment's number within the chunk
 * @param start byte offset of its first record
 * @param end byte offset just past its last record
 */
public record Segment(int chunkIndex, int index, long start, long end) {}
