package dev.ballast.job;

import dev.ballast.job.source.LineSource;
/**
 * One record read from a {@link RecordSource}.
 *
 * <p>A source may hand out the same mutable record object on every call to {@link
 * RecordSource#next} (the byte-level {@link LineSource} does, so reading allocates nothing per
 * row): a record is valid only until the next call, and a processor must not keep it.
 *
 * @param <I> the parsed record type
 */
public interface SourceRecord<I> {
  /** Physical line number of the record, as reported in rejects. */
  long line();

  /** The record's text without its line ending, as reported in rejects. */
  String raw();

  /** The parsed record. */
  I value();

  /** An immutable record whose text is already decoded. */
  static <I> SourceRecord<I> of(long line, String raw, I value) {
    return new Decoded<>(line, raw, value);
  }

  /** The record {@link #of} returns. */
  record Decoded<I>(long line, String raw, I value) implements SourceRecord<I> {}
}
