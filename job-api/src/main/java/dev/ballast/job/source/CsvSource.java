package dev.ballast.job.source;

import dev.ballast.job.Cursor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.SourceRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Checksum;

/**
 * A {@link RecordSource} of CSV rows: one record per non-blank line of a {@link LineSource} (LF or
 * CR LF endings, a lone CR is content, the last line may lack its LF), decoded as UTF-8 with
 * invalid bytes read as U+FFFD and split per RFC 4180 with the columns of the file's header.
 */
public final class CsvSource implements RecordSource<CsvRow> {
  private final LineSource lines;
  private final List<String> header;
  private final CsvSplitter splitter = new CsvSplitter();

  private CsvSource(LineSource lines, List<String> header) {
    this.lines = lines;
    this.header = header;
  }

  /**
   * Opens {@code file} at {@code from}; records are split with the columns of {@code headerLine}.
   *
   * @throws IllegalArgumentException when the header's quoting is invalid
   */
  public static CsvSource open(Path file, Cursor from, long end, String headerLine) throws IOException {
    List<String> header = Csv.split(headerLine);
    if (header == null) {
      throw new IllegalArgumentException("malformed header (bad RFC 4180 quoting): " + Excerpt.of(headerLine));
    }
    return new CsvSource(LineSource.open(file, from, end), List.copyOf(header));
  }

  @Override
  public SourceRecord<CsvRow> next() throws IOException {
    Line line = lines.next();
    if (line == null) {
      return null;
    }
    splitter.split(line.bytes(), line.start(), line.end());
    return SourceRecord.of(line.line(), line.raw(), new CsvRow(header, splitter.values(line.bytes())));
  }

  @Override
  public long offset() {
    return lines.offset();
  }

  @Override
  public Cursor position() {
    return lines.position();
  }

  @Override
  public boolean feedChecksum(Checksum checksum) {
    return lines.feedChecksum(checksum);
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
