package dev.ballast.jobs.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * One currency's rate (USD per unit) and the exact conversion of an amount to US cents: {@code
 * amount × rate × 100} rounded half-to-even. Uses long arithmetic when the product fits, and
 * BigDecimal otherwise; both give the exact result.
 */
public final class Rate {
  /** Returned when the converted cents do not fit a long. */
  public static final long OVERFLOW = Long.MIN_VALUE;

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final BigDecimal value;
  private final long unscaled;
  private final long divisor;
  private final boolean fast;

  public Rate(BigDecimal value) {
    if (value.signum() <= 0) {
      throw new IllegalArgumentException("rate must be > 0: " + value);
    }
    this.value = value;
    BigDecimal v = value.stripTrailingZeros();
    if (v.scale() < 0) {
      v = v.setScale(0);
    }
    boolean ok = v.scale() <= 18 && v.unscaledValue().bitLength() < 63;
    this.fast = ok;
    this.unscaled = ok ? v.unscaledValue().longValue() : 0;
    this.divisor = ok ? pow10(v.scale()) : 1;
  }

  public BigDecimal value() {
    return value;
  }

  /** {@code hundredths × rate}, rounded half-to-even: the amount in US cents, or {@link #OVERFLOW}. */
  public long cents(long hundredths) {
    if (fast) {
      long hi = Math.multiplyHigh(hundredths, unscaled);
      long p = hundredths * unscaled;
      if (hi == 0 && p >= 0) {
        long q = p / divisor;
        long rem = p - q * divisor;
        long other = divisor - rem;
        if (rem > other || (rem == other && (q & 1) == 1)) {
          q++;
        }
        return q;
      }
    }
    BigInteger cents =
        BigDecimal.valueOf(hundredths).multiply(value).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
    return cents.compareTo(LONG_MAX) > 0 ? OVERFLOW : cents.longValue();
  }

  private static long pow10(int n) {
    long v = 1;
    for (int i = 0; i < n; i++) {
      v *= 10;
    }
    return v;
  }
}
