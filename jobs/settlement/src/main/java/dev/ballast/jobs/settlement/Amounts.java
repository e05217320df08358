package dev.ballast.jobs.settlement;

/**
 * Parses {@code amount} values ({@code [0-9]+(\.[0-9]{1,2})?}) as exact hundredths in a long,
 * without allocating.
 */
public final class Amounts {
  /** Returned for a value that is malformed, zero, or too large for a long in hundredths. */
  public static final long INVALID = -1;

  private Amounts() {}

  /** The amount in {@code b[from, to)} in hundredths of its currency unit, or {@link #INVALID}. */
  public static long parseHundredths(byte[] b, int from, int to) {
    int i = from;
    long units = 0;
    while (i < to) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      units = units * 10 + d;
      i++;
    }
    if (i == from) {
      return INVALID;
    }
    if (i - from > 18) {
      // 18 digits always fit a long; more may not (leading zeros aside): redo with checks.
      units = checkedUnits(b, from, i);
      if (units < 0) {
        return INVALID;
      }
    }
    long fraction = 0;
    if (i < to) {
      if (b[i] != '.') {
        return INVALID;
      }
      i++;
      int n = to - i;
      if (n < 1 || n > 2) {
        return INVALID;
      }
      for (int k = 0; k < n; k++) {
        int d = b[i + k] - '0';
        if (d < 0 || d > 9) {
          return INVALID;
        }
        fraction = fraction * 10 + d;
      }
      if (n == 1) {
        fraction *= 10;
      }
    }
    if (units > (Long.MAX_VALUE - fraction) / 100) {
      return INVALID;
    }
    long hundredths = units * 100 + fraction;
    return hundredths == 0 ? INVALID : hundredths;
  }

  /** The value of the digits {@code b[from, to)}, or -1 when it does not fit a long. */
  private static long checkedUnits(byte[] b, int from, int to) {
    long units = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (units > (Long.MAX_VALUE - d) / 10) {
        return -1;
      }
      units = units * 10 + d;
    }
    return units;
  }
}
