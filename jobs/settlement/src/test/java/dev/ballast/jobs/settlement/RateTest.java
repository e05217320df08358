package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Conversion to cents against BigDecimal, for rates of every scale the long path takes. */
class RateTest {
  @Test
  void centsAreExactHalfEvenForEveryScale() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int scale = 0; scale <= 20; scale++) {
      for (int k = 0; k < 200; k++) {
        BigDecimal value = BigDecimal.valueOf(1 + rnd.nextLong(k % 2 == 0 ? 1000 : 1_000_000_000L), scale);
        Rate rate = new Rate(value);
        for (int j = 0; j < 50; j++) {
          long hundredths = j < 5 ? j + 1 : rnd.nextLong(1, j % 3 == 0 ? Long.MAX_VALUE : 10_000_000);
          BigInteger exact = BigDecimal.valueOf(hundredths).multiply(value).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
          long expected = exact.bitLength() < 64 ? exact.longValue() : Rate.OVERFLOW;
          assertEquals(expected, rate.cents(hundredths), value + " x " + hundredths);
        }
      }
    }
  }

  @Test
  void halfwayCasesRoundToEven() {
    Rate half = new Rate(new BigDecimal("0.5"));
    assertEquals(0, half.cents(1));
    assertEquals(2, half.cents(3));
    assertEquals(2, half.cents(5));
    Rate tiny = new Rate(new BigDecimal("0.000000000000000005"));
    assertEquals(0, tiny.cents(100_000_000_000_000_000L));
    assertEquals(2, tiny.cents(300_000_000_000_000_000L));
  }
}
