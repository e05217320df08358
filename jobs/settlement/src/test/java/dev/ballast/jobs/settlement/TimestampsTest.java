package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.testkit.ReferenceSettlement;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The timestamp parser (which checks and reads eight bytes at a time) against java.time, on
 * valid timestamps and on copies with one byte changed, placed anywhere in a buffer.
 */
class TimestampsTest {
  private static final String[] OFFSETS = {"Z", "+05:30", "-03:30", "+14:00", "-11:00", "+18:00", "-18:00", "+18:01", "+00:60", "+19:00"};
  /** Replacement bytes: digits' neighbours, separators, and non-ASCII. */
  private static final byte[] MUTATIONS = {
    '/', ':', '0', '9', '-', '+', 'T', 't', 'Z', 'z', '.', ' ', '5', (byte) 0xB0, (byte) 0xFF, 0x3A, 0x3F, 0x20
  };

  @Test
  void validAndMutatedTimestampsParseLikeJavaTime() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int round = 0; round < 200_000; round++) {
      String text = timestamp(rnd);
      byte[] value = text.getBytes(StandardCharsets.US_ASCII);
      if (round % 2 == 1) {
        value[rnd.nextInt(value.length)] = MUTATIONS[rnd.nextInt(MUTATIONS.length)];
      }
      check(rnd, value);
    }
  }

  @Test
  void edgeCases() {
    String[] values = {
      "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T23:59:59-00:01", "1900-02-29T00:00:00Z",
      "0000-01-01T00:00:00+18:00", "9999-12-31T23:59:59-18:00", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z",
      "2024-01-01T10:00:60Z", "2024-00-10T10:00:00Z", "2024-13-10T10:00:00Z", "2024-01-00T10:00:00Z",
      "2024-01-32T10:00:00Z", "2024-04-31T10:00:00Z", "2024-01-01T10:00:00.Z", "2024-01-01T10:00:00.1Z",
      "2024-01-01T10:00:00.123456789Z", "2024-01-01T10:00:00.1234567890Z", "2024-01-01T10:00:00.5+01:00",
      "2024-01-01 10:00:00Z", "2024-01-01T10:00:00", "2024-01-01T10:00:00z", "2024-01-01T10:00:00+0100",
      "2024-01-01T10:00:00+01:00Z", "2024-01-01T10:00:00ZZ", "+024-01-01T10:00:00Z", "2024-01-01T10:00:0aZ",
      "2024-01-01T10:00:00+1:000", "2024-1-01T10:00:00Z", "2024-01-01T1:00:00Z", "2024-01-01T10:00:00"
    };
    SplittableRandom rnd = new SplittableRandom(3);
    for (String v : values) {
      for (int i = 0; i < 50; i++) {
        check(rnd, v.getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void everyDateOfEveryYearHasJavaTimesEpochDay() {
    for (LocalDate d = LocalDate.of(0, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
      assertEquals(d.toEpochDay(), Timestamps.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()), d::toString);
    }
  }

  private static void check(SplittableRandom rnd, byte[] value) {
    String text = new String(value, StandardCharsets.ISO_8859_1);
    LocalDate expected = ReferenceSettlement.utcDate(new String(value, StandardCharsets.UTF_8));
    int before = rnd.nextInt(9);
    int after = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(9);
    byte[] b = new byte[before + value.length + after];
    Arrays.fill(b, (byte) (rnd.nextBoolean() ? '0' : ':'));
    System.arraycopy(value, 0, b, before, value.length);
    long day = Timestamps.utcEpochDay(b, before, before + value.length);
    assertEquals(expected == null ? Timestamps.INVALID : expected.toEpochDay(), day, text);
  }

  private static String timestamp(SplittableRandom rnd) {
    int year = rnd.nextInt(8) == 0 ? rnd.nextInt(10_000) : 1995 + rnd.nextInt(40);
    String fraction = rnd.nextInt(3) == 0 ? "." + "123456789012".substring(0, 1 + rnd.nextInt(11)) : "";
    return String.format(
        "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
        year, rnd.nextInt(14), rnd.nextInt(33), rnd.nextInt(26), rnd.nextInt(62), rnd.nextInt(62),
        fraction, OFFSETS[rnd.nextInt(OFFSETS.length)]);
  }
}
