package dev.ballast.job.source;

import dev.ballast.job.Cursor;
import dev.ballast.job.RecordSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.Checksum;

/**
 * A {@link RecordSource} of raw lines, as bytes: one record per non-blank line, LF or CR LF
 * endings (a lone CR is content), the last line may lack its LF. Blank lines are not records but
 * count as lines. It allocates nothing per line (the {@link Line} it returns is reused), so it
 * suits job types that parse bytes themselves, such as {@code settlement}; {@link CsvSource}
 * builds CSV rows on top of it.
 */
public final class LineSource implements RecordSource<Line> {
  private static final int READ_STEP = 256 << 10;
  /**
   * Bytes the buffer keeps unfilled past its data: a parser reading eight bytes at a time from
   * inside a line ({@link Swar}) never reaches the array's end, so its slow path for the last
   * bytes of an array is never taken (and the JIT never recompiles the hot loop for it).
   */
  private static final int SLACK = 16;

  private final FileChannel in;
  private final long end;
  private final Line current = new Line();
  private byte[] buf;
  private int bufStart;
  private int bufEnd;
  /** File offset of {@code buf[0]}. */
  private long bufOffset;
  private long line;
  /** Sees every byte read into the buffer, when the engine asked for it (null otherwise). */
  private Checksum checksum;

  private LineSource(FileChannel in, Cursor from, long end) {
    this.in = in;
    this.end = end;
    this.bufOffset = from.offset();
    this.line = from.line();
    // A small range (a chunk of a few KiB) needs no 256 KiB buffer; a long line grows it.
    this.buf = new byte[(int) Math.max(4096, Math.min(READ_STEP, end - from.offset())) + SLACK];
  }

  /** Opens {@code file} at {@code from}, reading up to byte offset {@code end}. */
  public static LineSource open(Path file, Cursor from, long end) throws IOException {
    return new LineSource(FileChannel.open(file, StandardOpenOption.READ), from, end);
  }

  @Override
  public Line next() throws IOException {
    while (true) {
      int lf = findLineEnd();
      if (lf < 0 && bufStart == bufEnd) {
        return null;
      }
      int stop = lf < 0 ? bufEnd : lf;
      int contentEnd = lf >= 0 && stop > bufStart && buf[stop - 1] == '\r' ? stop - 1 : stop;
      int from = bufStart;
      long lineNo = line++;
      bufStart = lf < 0 ? bufEnd : lf + 1;
      if (contentEnd > from) {
        current.set(buf, from, contentEnd, lineNo);
        return current;
      }
    }
  }

  /** Index of the next LF in the buffer, reading more as needed; -1 at the end of the range. */
  private int findLineEnd() throws IOException {
    int scanFrom = bufStart;
    while (true) {
      int lf = Swar.indexOf(buf, scanFrom, bufEnd, Swar.LFS);
      if (lf < bufEnd) {
        return lf;
      }
      int scanned = bufEnd - bufStart;
      if (!fill()) {
        return -1;
      }
      scanFrom = bufStart + scanned;
    }
  }

  /** Reads more of the range into the buffer, compacting or growing it; false at the range's end. */
  private boolean fill() throws IOException {
    long filePos = bufOffset + bufEnd;
    if (filePos >= end) {
      return false;
    }
    if (bufStart > 0) {
      System.arraycopy(buf, bufStart, buf, 0, bufEnd - bufStart);
      bufOffset += bufStart;
      bufEnd -= bufStart;
      bufStart = 0;
    }
    if (bufEnd == buf.length - SLACK) {
      buf = Arrays.copyOf(buf, (buf.length - SLACK) * 2 + SLACK);
    }
    int want = (int) Math.min(buf.length - SLACK - bufEnd, end - filePos);
    int n = in.read(ByteBuffer.wrap(buf, bufEnd, want), filePos);
    if (n < 0) {
      throw new IOException("unexpected end of input at offset " + filePos);
    }
    if (checksum != null) {
      checksum.update(buf, bufEnd, n);
    }
    bufEnd += n;
    return true;
  }

  /** Every byte this source reads from now on also goes to {@code checksum}: true. */
  @Override
  public boolean feedChecksum(Checksum checksum) {
    this.checksum = checksum;
    return true;
  }

  @Override
  public long offset() {
    return bufOffset + bufStart;
  }

  @Override
  public Cursor position() {
    return new Cursor(bufOffset + bufStart, line);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
