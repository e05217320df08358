package dev.ballast.job.source;

import java.util.Arrays;
import java.util.List;

/**
 * The one CSV splitter: RFC 4180 fields of the bytes of one line (its line ending already
 * removed). Fields may be double-quoted, with {@code ""} standing for one quote; a quoted field
 * must be followed by a comma or the end of the line, and an unquoted field must not contain a
 * quote; quoted fields never span lines; fields are not trimmed. Works on bytes: the comma and the
 * quote are ASCII, so they never occur inside a UTF-8 multi-byte sequence, and are searched for
 * eight bytes at a time ({@link Swar}).
 *
 * <p>{@link #split} allocates nothing (once its arrays have grown to the widest line): a
 * byte-level job reads its fields in place with {@link #start}, {@link #end} and {@link #escaped},
 * as {@code settlement} does; {@link #value} and {@link #values} decode them as strings, as
 * {@link CsvSource} and {@link Csv#split} do. Not thread-safe; reuse one instance per thread.
 */
public final class CsvSplitter {
  private static final long COMMAS = Swar.repeat(',');
  private static final long QUOTES = Swar.repeat('"');

  private int count;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private boolean[] escaped = new boolean[16];
  private boolean quoteEscaped;

  /**
   * Splits {@code b[from, to)} into fields.
   *
   * @return the number of fields, or -1 when the line is not valid RFC 4180
   */
  public int split(byte[] b, int from, int to) {
    int n = 0;
    int i = from;
    fields:
    while (true) {
      // i is the start of a field.
      if (i < to && b[i] == '"') {
        int close = closingQuote(b, i + 1, to);
        if (close < 0) {
          count = -1;
          return -1;
        }
        if (n == starts.length) {
          grow();
        }
        starts[n] = i + 1;
        ends[n] = close;
        escaped[n] = quoteEscaped;
        n++;
        i = close + 1;
        if (i == to) {
          count = n;
          return n;
        }
        if (b[i] != ',') {
          count = -1;
          return -1;
        }
        i++;
        continue;
      }
      // Unquoted fields, eight bytes at a time: each comma ends one; a quote is allowed only as
      // the first byte of a field (which is then quoted).
      int fieldStart = i;
      while (i < to) {
        long m;
        int left = to - i;
        if (b.length >= 8) {
          long w = Swar.getPadded(b, i);
          m = Swar.eq(w, COMMAS) | Swar.eq(w, QUOTES);
          if (left < 8) {
            m &= (1L << (left << 3)) - 1;
          }
        } else {
          m = 0;
          for (int k = left - 1; k >= 0; k--) {
            byte c = b[i + k];
            m = (m << 8) | (c == ',' || c == '"' ? 0x80 : 0);
          }
        }
        while (m != 0) {
          int p = i + Swar.first(m);
          m &= m - 1;
          if (b[p] == '"') {
            if (p != fieldStart) {
              count = -1;
              return -1;
            }
            i = p;
            continue fields;
          }
          if (n == starts.length) {
            grow();
          }
          starts[n] = fieldStart;
          ends[n] = p;
          escaped[n] = false;
          n++;
          fieldStart = p + 1;
        }
        i += 8;
      }
      if (n == starts.length) {
        grow();
      }
      starts[n] = fieldStart;
      ends[n] = to;
      escaped[n] = false;
      n++;
      count = n;
      return n;
    }
  }

  /**
   * The index of the quote closing a quoted field whose content starts at {@code from}, or -1
   * when the line ends first; sets {@link #quoteEscaped} to whether the content holds {@code ""}.
   */
  private int closingQuote(byte[] b, int from, int to) {
    int i = from;
    boolean esc = false;
    while (true) {
      i = Swar.indexOf(b, i, to, QUOTES);
      if (i >= to) {
        return -1;
      }
      if (i + 1 < to && b[i + 1] == '"') {
        esc = true;
        i += 2;
        continue;
      }
      quoteEscaped = esc;
      return i;
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

  /**
   * Copies field {@code i}'s bytes to the start of {@code into}, unescaped ({@code ""} as one
   * quote), and returns how many were copied: at most {@code end(i) - start(i)}, which {@code into}
   * must hold. Decoded with {@link Utf8#decode}, they are {@link #value}: a quote is one byte that
   * never occurs inside a UTF-8 sequence, so removing escapes before decoding changes nothing, even
   * in malformed input.
   */
  public int unescape(byte[] b, int i, byte[] into) {
    int from = starts[i];
    int to = ends[i];
    if (!escaped[i]) {
      System.arraycopy(b, from, into, 0, to - from);
      return to - from;
    }
    int n = 0;
    for (int k = from; k < to; k++) {
      byte x = b[k];
      into[n++] = x;
      if (x == '"') {
        k++; // inside a quoted field every quote is doubled: skip the second
      }
    }
    return n;
  }

  /** Field {@code i}'s value, UTF-8 decoded (malformed input replaced) and unescaped. */
  public String value(byte[] b, int i) {
    String raw = Utf8.decode(b, starts[i], ends[i]);
    return escaped[i] ? raw.replace("\"\"", "\"") : raw;
  }

  /**
   * The fields found by the last {@link #split} of {@code b}, decoded as {@link #value} does, or
   * null when that line was not valid RFC 4180.
   */
  public List<String> values(byte[] b) {
    if (count < 0) {
      return null;
    }
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      values[i] = value(b, i);
    }
    return Arrays.asList(values);
  }

  private void grow() {
    int size = starts.length * 2;
    starts = Arrays.copyOf(starts, size);
    ends = Arrays.copyOf(ends, size);
    escaped = Arrays.copyOf(escaped, size);
  }
}
