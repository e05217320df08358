package dev.ballast.activities.settlement;

/**
 * Parses {@code created_at} values without allocating: {@code yyyy-MM-ddTHH:mm:ss}, an optional
 * fraction of 1 to 9 digits, then {@code Z} or {@code ±HH:MM}. The rules are java.time's strict
 * ones: years 0000-9999, real dates (leap years included), hours 00-23, minutes and seconds 00-59
 * (no leap second), offsets with HH at most 18, MM at most 59 and in all at most 18:00.
 */
public final class Timestamps {
  /** Returned for a value that is not a valid timestamp. */
  public static final long INVALID = Long.MIN_VALUE;

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
    int year = digits(b, s, 4);
    int month = digits(b, s + 5, 2);
    int day = digits(b, s + 8, 2);
    int hour = digits(b, s + 11, 2);
    int minute = digits(b, s + 14, 2);
    int second = digits(b, s + 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || b[s + 4] != '-'
        || b[s + 7] != '-'
        || b[s + 10] != 'T'
        || b[s + 13] != ':'
        || b[s + 16] != ':') {
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
      int oh = digits(b, i + 1, 2);
      int om = digits(b, i + 4, 2);
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

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** The value of {@code n} ASCII digits at {@code at}, or -1. */
  private static int digits(byte[] b, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      byte c = b[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
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
