package dev.ballast.job.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time ("SIMD within a register"): a little-endian {@code long}
 * read from a {@code byte[]} holds bytes {@code i..i+7} in its low to high byte, and {@link #eq}
 * marks, without false positives, the bytes equal to a given one. A search may read up to seven
 * bytes past its range when the array holds them (it never reads past the array's end) and
 * ignores what it finds there.
 */
public final class Swar {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

  /** Eight copies of LF, for {@link #eq}. */
  public static final long LFS = repeat('\n');

  private Swar() {}

  /** {@code c} in every byte of a long. */
  public static long repeat(char c) {
    return (c & 0xFFL) * 0x0101010101010101L;
  }

  /** The eight bytes {@code b[i..i+7]}, {@code b[i]} in the low byte; needs {@code i + 8 <= b.length}. */
  public static long get(byte[] b, int i) {
    return (long) LONG.get(b, i);
  }

  /**
   * The bytes from {@code b[i]} on as a word, {@code b[i]} in the low byte and zeros past the
   * array's end; needs {@code b.length >= 8} and {@code 0 <= i < b.length}. One read at every
   * position (near the end, the array's last eight bytes shifted): a loop over a buffer has no
   * rarely taken branch for its last bytes, on which the JIT would hoist the loop's range check
   * out of it, a check that fails (and discards the compiled code) when the loop gets there.
   */
  public static long getPadded(byte[] b, int i) {
    int at = Math.min(i, b.length - 8);
    return get(b, at) >>> ((i - at) << 3);
  }

  /**
   * The high bit of each byte of {@code word} that equals the byte repeated in {@code pattern}
   * (see {@link #repeat}); the other bits are 0. Exact: no carry crosses a byte.
   */
  public static long eq(long word, long pattern) {
    long x = word ^ pattern;
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /** Index of the byte a mask from {@link #eq} marks first, counted from the word's first byte. */
  public static int first(long mask) {
    return Long.numberOfTrailingZeros(mask) >>> 3;
  }

  /**
   * Index of the first byte equal to {@code pattern}'s byte in {@code b[from, to)}, or {@code to}
   * when there is none.
   */
  public static int indexOf(byte[] b, int from, int to, long pattern) {
    int last = b.length - 8;
    if (last < 0) {
      byte c = (byte) pattern;
      for (int i = from; i < to; i++) {
        if (b[i] == c) {
          return i;
        }
      }
      return to;
    }
    for (int i = from; i < to; i += 8) {
      // A match in the zeros past the array's end would lie at or past b.length, so past to.
      long m = eq(getPadded(b, i), pattern);
      if (m != 0) {
        return Math.min(i + first(m), to);
      }
    }
    return to;
  }
}
