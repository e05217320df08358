package dev.ballast.activities.settlement;

import dev.ballast.activities.stage.Utf8;
import java.util.Arrays;

/**
 * A hand-written RFC 4180 field splitter over the bytes of one line (its line ending already
 * removed). Fields may be double-quoted, with {@code ""} standing for one quote; a quoted field
 * must be followed by a comma or the end of the line, and an unquoted field must not contain a
 * quote. Works on bytes: the comma and the quote are ASCII, so they never occur inside a UTF-8
 * multi-byte sequence. Not thread-safe; reuse one instance per thread.
 */
public final class CsvSplitter {
  private int count;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private boolean[] escaped = new boolean[16];

  /**
   * Splits {@code b[from, to)} into fields.
   *
   * @return the number of fields, or -1 when the line is not valid RFC 4180
   */
  public int split(byte[] b, int from, int to) {
    int n = 0;
    int i = from;
    while (true) {
      if (n == starts.length) {
        grow();
      }
      if (i < to && b[i] == '"') {
        i++;
        int start = i;
        boolean esc = false;
        while (true) {
          if (i >= to) {
            count = -1;
            return -1;
          }
          if (b[i] == '"') {
            if (i + 1 < to && b[i + 1] == '"') {
              esc = true;
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        starts[n] = start;
        ends[n] = i;
        escaped[n] = esc;
        n++;
        i++;
        if (i == to) {
          count = n;
          return n;
        }
        if (b[i] != ',') {
          count = -1;
          return -1;
        }
        i++;
      } else {
        int start = i;
        while (i < to) {
          byte c = b[i];
          if (c == ',') {
            break;
          }
          if (c == '"') {
            count = -1;
            return -1;
          }
          i++;
        }
        starts[n] = start;
        ends[n] = i;
        escaped[n] = false;
        n++;
        if (i == to) {
          count = n;
          return n;
        }
        i++;
      }
    }
  }

  /** Number of fields found by the last {@link #split}, or -1. */
  public int count() {
    return count;
  }

  /** Offset of field {@code i}'s content (inside its quotes, if quoted). */
  public int start(int i) {
    return starts[i];
  }

  /** Offset just past field {@code i}'s content. */
  public int end(int i) {
    return ends[i];
  }

  /** Whether field {@code i} is quoted and holds {@code ""} escapes (its value has a quote). */
  public boolean escaped(int i) {
    return escaped[i];
  }

  /** Whether field {@code i}'s value is empty. */
  public boolean isEmpty(int i) {
    return starts[i] == ends[i];
  }

  /** Field {@code i}'s value, UTF-8 decoded (malformed input replaced) and unescaped. */
  public String value(byte[] b, int i) {
    String raw = Utf8.decode(b, starts[i], ends[i]);
    return escaped[i] ? raw.replace("\"\"", "\"") : raw;
  }

  private void grow() {
    int size = starts.length * 2;
    starts = Arrays.copyOf(starts, size);
    ends = Arrays.copyOf(ends, size);
    escaped = Arrays.copyOf(escaped, size);
  }
}
