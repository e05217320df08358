package dev.ballast.activities.stage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link RecordSource} of CSV lines: one record per non-blank line, LF or CRLF endings (a lone
 * CR is content), the last line may lack its LF, invalid UTF-8 read as U+FFFD. Blank lines are
 * not records but count as lines.
 */
public final class CsvSource implements RecordSource<CsvRow> {
  private static final int READ_STEP = 64 << 10;

  private final FileChannel in;
  private final long end;
  private final List<String> header;
  private byte[] buf = new byte[READ_STEP];
  private int bufStart;
  private int bufEnd;
  /** File offset of {@code buf[0]}. */
  private long bufOffset;
  private long line;

  private CsvSource(FileChannel in, Cursor from, long end, List<String> header) {
    this.in = in;
    this.end = end;
    this.header = header;
    this.bufOffset = from.offset();
    this.line = from.line();
  }

  /**
   * Opens {@code file} at {@code from}; records are split with the columns of {@code headerLine}.
   *
   * @throws IllegalArgumentException when the header's quoting is invalid
   */
  public static CsvSource open(Path file, Cursor from, long end, String headerLine) throws IOException {
    List<String> header = Csv.split(headerLine);
    if (header == null) {
      throw new IllegalArgumentException("malformed header (bad RFC 4180 quoting): " + headerLine);
    }
    return new CsvSource(FileChannel.open(file, StandardOpenOption.READ), from, end, List.copyOf(header));
  }

  @Override
  public SourceRecord<CsvRow> next() throws IOException {
    while (true) {
      int lf = findLineEnd();
      if (lf < 0 && bufStart == bufEnd) {
        return null;
      }
      int stop = lf < 0 ? bufEnd : lf;
      int contentEnd = lf >= 0 && stop > bufStart && buf[stop - 1] == '\r' ? stop - 1 : stop;
      String raw = new String(buf, bufStart, contentEnd - bufStart, StandardCharsets.UTF_8);
      long lineNo = line++;
      bufStart = lf < 0 ? bufEnd : lf + 1;
      if (raw.isEmpty()) {
        continue;
      }
      return new SourceRecord<>(lineNo, raw, new CsvRow(header, Csv.split(raw)));
    }
  }

  /** Index of the next LF in the buffer, reading more as needed; -1 at the end of the range. */
  private int findLineEnd() throws IOException {
    int scanFrom = bufStart;
    while (true) {
      for (int i = scanFrom; i < bufEnd; i++) {
        if (buf[i] == '\n') {
          return i;
        }
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
    if (bufEnd == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int want = (int) Math.min(buf.length - bufEnd, end - filePos);
    int n = in.read(ByteBuffer.wrap(buf, bufEnd, want), filePos);
    if (n < 0) {
      throw new IOException("unexpected end of input at offset " + filePos);
    }
    bufEnd += n;
    return true;
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
