package dev.ballast.jobs.settlement;

import dev.ballast.job.source.Swar;

/**
 * Parses {@code created_at} values without allocating: {@code yyyy-MM-ddTHH:mm:ss}, an optional
 * fraction of 1 to 9 digits, then {@code Z} or {@code ±HH:MM}. The rules are java.time's strict
 * ones: years 0000-9999, real dates (leap years included), hours 00-23, minutes and seconds 00-59
 * (no leap second), offsets with HH at most 18, MM at most 59 and in all at most 18:00.
 */
public final class Timestamps {
  /** Returned for a value that is not a valid timestamp. */
  public static final long INVALID = Long.MIN_VALUE;

  // Little-endian words: byte k of the text is byte k of the long. "yyyy-MM-" and "ddTHH:mm".
  private static final long DIGITS_1 = 0x00FFFF00FFFFFFFFL;
  private static final long SEPARATORS_1 = 0x2D00002D00000000L;
  private static final long DIGITS_2 = 0xFFFF00FFFF00FFFFL;
  private static final long SEPARATORS_2 = 0x00003A0000540000L;

  private Timestamps() {}

  /**
   * The UTC date of the timestamp in {@code b[from, to)}, as an epoch day ({@code
   * LocalDate.ofEpochDay}), or {@link #INVALID}.
   */
  public static long utcEpochDay(byte[] b, int from, int to) {
    if (to - from < 20) {
      return INVALID;
    }
    int s = from;
    // The 16 bytes "yyyy-MM-ddTHH:mm" as two words, checked and read eight bytes at a time.
    long w1 = Swar.get(b, s);
    long w2 = Swar.get(b, s + 8);
    if ((w1 & ~DIGITS_1) != SEPARATORS_1
        || (w2 & ~DIGITS_2) != SEPARATORS_2
        || !allDigits(w1 & DIGITS_1, DIGITS_1)
        || !allDigits(w2 & DIGITS_2, DIGITS_2)
        || b[s + 16] != ':') {
      return INVALID;
    }
    int year = digit(w1, 0) * 1000 + digit(w1, 1) * 100 + digit(w1, 2) * 10 + digit(w1, 3);
    int month = digit(w1, 5) * 10 + digit(w1, 6);
    int day = digit(w2, 0) * 10 + digit(w2, 1);
    int hour = digit(w2, 3) * 10 + digit(w2, 4);
    int minute = digit(w2, 6) * 10 + digit(w2, 7);
    int second = twoDigits(b, s + 17);
    if (second < 0) {
      return INVALID;
    }
    int i = s + 19;
    if (b[i] == '.') {
      i++;
      int fractionStart = i;
      while (i < to && isDigit(b[i])) {
        i++;
      }
      int n = i - fractionStart;
      if (n < 1 || n > 9 || i >= to) {
        return INVALID;
      }
    }
    int offsetSeconds;
    byte z = b[i];
    if (z == 'Z') {
      if (i + 1 != to) {
        return INVALID;
      }
      offsetSeconds = 0;
    } else if (z == '+' || z == '-') {
      if (i + 6 != to || b[i + 3] != ':') {
        return INVALID;
      }
      int oh = twoDigits(b, i + 1);
      int om = twoDigits(b, i + 4);
      if (oh < 0 || om < 0 || oh > 18 || om > 59 || oh * 60 + om > 18 * 60) {
        return INVALID;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    } else {
      return INVALID;
    }
    if (month < 1
        || month > 12
        || day < 1
        || day > monthLength(year, month)
        || hour > 23
        || minute > 59
        || second > 59) {
      return INVALID;
    }
    long seconds =
        epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Math.floorDiv(seconds, 86_400L);
  }

  /**
   * Whether every byte {@code mask} selects in {@code w} (the others 0) is an ASCII digit: its high
   * nibble is 3, and adding 6 does not carry into it (0x3A-0x3F would).
   */
  private static boolean allDigits(long w, long mask) {
    long high = 0xF0F0F0F0F0F0F0F0L & mask;
    long threes = 0x3030303030303030L & mask;
    return (w & high) == threes && ((w + (0x0606060606060606L & mask)) & high) == threes;
  }

  /** The digit in byte {@code k} of {@code w} (already checked by {@link #allDigits}). */
  private static int digit(long w, int k) {
    return (int) (w >>> (k << 3)) & 0xF;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** The value of the two ASCII digits at {@code at}, or -1. */
  private static int twoDigits(byte[] b, int at) {
    int hi = b[at] - '0';
    int lo = b[at + 1] - '0';
    return (hi | lo | (9 - hi) | (9 - lo)) < 0 ? -1 : hi * 10 + lo;
  }

  static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-to-days algorithm). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
