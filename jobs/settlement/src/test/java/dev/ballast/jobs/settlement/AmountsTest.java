package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Amounts against BigDecimal, around the edge of a long's range above all. */
class AmountsTest {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  @Test
  void parsesLikeBigDecimalAtEveryLengthUpToTheLongLimit() {
    SplittableRandom rnd = new SplittableRandom(11);
    String max = Long.toString(Long.MAX_VALUE); // 19 digits
    for (int round = 0; round < 200_000; round++) {
      int digits = 1 + rnd.nextInt(21);
      StringBuilder s = new StringBuilder();
      if (digits >= 16 && rnd.nextBoolean()) {
        // near the limit in hundredths: a prefix of Long.MAX_VALUE, nudged
        s.append(max, 0, Math.min(digits, 17));
        while (s.length() < digits) {
          s.append(rnd.nextInt(10));
        }
      } else {
        for (int i = 0; i < digits; i++) {
          s.append(rnd.nextInt(10));
        }
      }
      int fraction = rnd.nextInt(4);
      if (fraction > 0) {
        s.append('.');
        for (int i = 1; i < fraction; i++) {
          s.append(rnd.nextInt(10));
        }
      }
      check(s.toString());
    }
    for (String edge : new String[] {
        "92233720368547758.07", "92233720368547758.08", "92233720368547758", "92233720368547757.99",
        "9999999999999999.99", "99999999999999999.99", "0000000000000000000092233720368547758.07",
        "0", "0.00", "0.01", "1.", ".5", "1.234", "12a", ""}) {
      check(edge);
    }
  }

  private static void check(String text) {
    byte[] b = ("x" + text + "y").getBytes(StandardCharsets.US_ASCII);
    long got = Amounts.parseHundredths(b, 1, b.length - 1);
    assertEquals(expected(text), got, text);
  }

  private static long expected(String text) {
    if (!text.matches("[0-9]+(\\.[0-9]{1,2})?")) {
      return Amounts.INVALID;
    }
    BigInteger hundredths = new BigDecimal(text).movePointRight(2).toBigIntegerExact();
    if (hundredths.signum() == 0 || hundredths.compareTo(LONG_MAX) > 0) {
      return Amounts.INVALID;
    }
    return hundredths.longValueExact();
  }
}
