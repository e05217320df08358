package dev.ballast.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time search against a plain loop. */
class SwarTest {
  @Test
  void eqMarksExactlyTheEqualBytesForEveryByteValue() {
    for (int target = 0; target < 256; target++) {
      long pattern = Swar.repeat((char) target);
      for (int value = 0; value < 256; value++) {
        for (int at = 0; at < 8; at++) {
          // the byte under test among neighbours that differ from the target by one bit and by all
          long word = (pattern ^ 0x0101010101010101L) & ~(0xFFL << (at * 8)) | ((long) value << (at * 8));
          if (at % 2 == 1) {
            word = (pattern ^ 0xFFFFFFFFFFFFFFFFL) & ~(0xFFL << (at * 8)) | ((long) value << (at * 8));
          }
          long expected = value == target ? 0x80L << (at * 8) : 0;
          assertEquals(expected, Swar.eq(word, pattern), "target " + target + " value " + value + " at " + at);
        }
      }
    }
  }

  @Test
  void getPaddedReadsFromTheGivenByteWithZerosPastTheEnd() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int length = 8; length < 24; length++) {
      byte[] b = new byte[length];
      for (int i = 0; i < length; i++) {
        b[i] = (byte) (1 + rnd.nextInt(255));
      }
      for (int i = 0; i < length; i++) {
        long expected = 0;
        for (int k = Math.min(length - 1, i + 7); k >= i; k--) {
          expected = (expected << 8) | (b[k] & 0xFF);
        }
        assertEquals(expected, Swar.getPadded(b, i), "length " + length + " at " + i);
      }
    }
  }

  @Test
  void indexOfFindsTheFirstMatchInItsRangeOnly() {
    SplittableRandom rnd = new SplittableRandom(7);
    // LF, and NUL: the bytes shifted in past an array's last full word are zeros.
    for (byte target : new byte[] {'\n', 0}) {
      long pattern = Swar.repeat((char) target);
      for (int round = 0; round < 2000; round++) {
        byte[] b = new byte[rnd.nextInt(40)];
        for (int i = 0; i < b.length; i++) {
          // few matches, and bytes with the high bit set (target | 0x80 must not match)
          int r = rnd.nextInt(10);
          b[i] = (byte) (r == 0 ? target : r == 1 ? target | 0x80 : r == 2 ? 0xFF : 'a' + r);
        }
        for (int from = 0; from <= b.length; from++) {
          for (int to = from; to <= b.length; to++) {
            int expected = to;
            for (int i = from; i < to; i++) {
              if (b[i] == target) {
                expected = i;
                break;
              }
            }
            assertEquals(
                expected, Swar.indexOf(b, from, to, pattern), "byte " + target + " from " + from + " to " + to);
          }
        }
      }
    }
  }
}
