package dev.ballast.job;

/**
 * A position in an input file: the byte offset of the next record not yet read and its physical
 * line number (the header is line 1). A retried chunk reopens its {@link RecordSource} here.
 */
public record Cursor(long offset, long line) {}
