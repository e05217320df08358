package dev.ballast.api.model;

/**
 * A chunk activity's heartbeat details: how far it got, so that a retried attempt resumes there.
 * Everything before {@code offset} is already in staged segment files {@code 0 ..
 * segments - 1}.
 *
 * @param offset byte offset in the input file of the first line not yet processed
 * @param line physical line number of that line
 * @param segments staged segment files written so far
 * @param counts rows processed so far in this chunk
 */
public record ChunkCheckpoint(long offset, long line, int segments, Counts counts) {}
