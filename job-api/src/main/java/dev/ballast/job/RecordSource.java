package dev.ballast.job;

import dev.ballast.job.source.CsvSource;
import dev.ballast.job.source.LineSource;
import java.io.Closeable;
import java.io.IOException;
import java.util.zip.Checksum;

/**
 * Reads the records of one chunk, from a {@link Cursor} to the chunk's end. A source is addressed
 * by position: the engine stores {@link #position()} in its heartbeat after each staged segment,
 * and a retried attempt opens a new source at that position instead of at the chunk's start.
 *
 * <p>{@link CsvSource} reads CSV rows and {@link LineSource} raw lines as bytes; a job type with
 * another format implements this interface (it must only ever stop between records, so that any
 * cursor it returned can be reopened).
 */
public interface RecordSource<I> extends Closeable {
  /** The next record, or null when the chunk is exhausted. */
  SourceRecord<I> next() throws IOException;

  /** Where the next record starts; after the last one, the chunk's end. */
  Cursor position();

  /**
   * The byte offset of {@link #position()}. The engine asks for it after every record (to end
   * segments), so a source should answer without allocating.
   */
  default long offset() {
    return position().offset();
  }

  /**
   * Asks the source to pass every byte of its range that it reads from now on to {@code
   * checksum}, in file order and each once, so that by the time {@link #next()} returns null the
   * checksum has seen the bytes from its position to the chunk's end. The engine calls it before
   * the first {@link #next()} and checks the chunk's bytes against its plan with what the
   * checksum saw, instead of reading the chunk a second time; it still reads them again if the
   * checksum saw fewer bytes than the range holds. False, the default, when the source cannot.
   */
  default boolean feedChecksum(Checksum checksum) {
    return false;
  }
}
