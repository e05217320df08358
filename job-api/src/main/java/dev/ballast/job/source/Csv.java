package dev.ballast.job.source;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CSV lines as strings, per RFC 4180 (quoted fields never span lines; fields are not trimmed):
 * splitting with the rules of {@link CsvSplitter}, the one splitter, and quoting for output.
 */
public final class Csv {
  private Csv() {}

  /**
   * The line's fields, or null when its quoting is invalid. The line is split as its UTF-8 bytes
   * by a {@link CsvSplitter}, so a string that is not text (an unpaired surrogate) reads as UTF-8
   * encodes it, with {@code ?} in its place.
   */
  public static List<String> split(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    CsvSplitter splitter = new CsvSplitter();
    splitter.split(b, 0, b.length);
    return splitter.values(b);
  }

  /** Quotes a field only when it holds a comma, a quote, CR or LF ({@code ""} for a quote). */
  public static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\r') < 0
        && field.indexOf('\n') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
