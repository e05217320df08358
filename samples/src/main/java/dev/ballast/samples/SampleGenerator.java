package dev.ballast.samples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes deterministic sample settlement inputs with a realistic mix of bad rows.
 *
 * <p>The same seed gives the same bytes. A file has a header in a non-canonical column order
 * with an extra {@code channel} column, then rows from 100-1000 merchants (some ids with commas,
 * quotes or non-ASCII characters, quoted where needed), the four default currencies, about 10%
 * PENDING and 15% REFUNDED rows, about 4% bad rows spread over every reject reason, a few blank
 * lines, and amounts with 0-2 decimals. Timestamps fall on one business day between 2024-02-27
 * and 2024-03-01 (so sometimes the leap day), one in ten up to six days earlier, with {@code Z} or
 * offsets from -11:00 to +14:00 (so some cross midnight UTC), some with fractional seconds. LF
 * line endings.
 */
public final class SampleGenerator {
  private static final String[] HEADERS = {
    "created_at,txn_id,merchant_id,channel,amount,currency,status",
    "status,amount,currency,channel,merchant_id,created_at,txn_id",
    "merchant_id,txn_id,channel,currency,amount,status,created_at"
  };
  private static final String[] CURRENCIES = {"USD", "USD", "USD", "EUR", "EUR", "GBP", "JPY"};
  private static final String[] BAD_CURRENCIES = {"usd", "CHF", "XXX", "", "EURO"};
  private static final String[] BAD_STATUSES = {"settled", "VOID", "", "SETTLED ", "CANCELLED"};
  private static final String[] BAD_AMOUNTS = {"12.345", "-5.00", "0", "0.00", "1e3", "abc", "", "1.", ".5", "1,000"};
  private static final String[] BAD_TIMESTAMPS = {
    "2024-02-30T10:00:00Z",
    "2024-01-01 10:00:00Z",
    "2024-01-01T24:00:00Z",
    "2023-02-29T01:00:00Z",
    "2024-01-01T10:00:00.1234567890Z",
    "2024-01-01T10:00:00+19:00",
    "2024-01-01T10:00:00",
    "2024-13-01T10:00:00Z",
    "2024-01-01T10:00:60Z",
    "yesterday"
  };
  private static final String[] OFFSETS = {
    "Z", "Z", "Z", "Z", "-08:00", "-05:00", "+01:00", "+05:30", "+09:00", "-03:30", "+14:00", "-11:00"
  };
  private static final String[] CHANNELS = {"web", "pos", "\"api, v2\"", "mobile"};

  private SampleGenerator() {}

  /** Writes {@code rows} data rows (plus a header) to {@code file}; the same seed gives the same bytes. */
  public static void write(Path file, long rows, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    int headerIndex = rnd.nextInt(HEADERS.length);
    String header = HEADERS[headerIndex];
    String[] names = header.split(",");
    int[] order = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      order[i] =
          switch (names[i]) {
            case "txn_id" -> 0;
            case "merchant_id" -> 1;
            case "amount" -> 2;
            case "currency" -> 3;
            case "status" -> 4;
            case "created_at" -> 5;
            default -> 6;
          };
    }
    String[] merchants = merchants(rnd, 100 + rnd.nextInt(901));
    LocalDate businessDay = LocalDate.of(2024, 2, 27).plusDays(rnd.nextInt(4));
    String[] fields = new String[7];
    StringBuilder line = new StringBuilder(160);
    try (Writer out =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      out.write(header);
      out.write('\n');
      for (long r = 0; r < rows; r++) {
        if (rnd.nextInt(400) == 0) {
          out.write('\n');
        }
        fields[0] = "T" + Long.toHexString(seed & 0xffff) + "-" + r;
        fields[1] = merchants[rnd.nextInt(merchants.length)];
        String currency = CURRENCIES[rnd.nextInt(CURRENCIES.length)];
        fields[2] = amount(rnd, currency.equals("JPY"));
        fields[3] = currency;
        int s = rnd.nextInt(100);
        fields[4] = s < 10 ? "PENDING" : s < 25 ? "REFUNDED" : "SETTLED";
        fields[5] = timestamp(rnd, businessDay);
        fields[6] = CHANNELS[rnd.nextInt(CHANNELS.length)];
        int bad = rnd.nextInt(1000) < 40 ? rnd.nextInt(7) : -1;
        String suffix = "";
        switch (bad) {
          case 0 -> {
            int kind = rnd.nextInt(3);
            fields[1] = kind == 0 ? "\"unterminated" : kind == 1 ? "ab\"c" : "\"x\"y";
          }
          case 1 -> suffix = rnd.nextBoolean() ? ",extra" : null;
          case 2 -> fields[rnd.nextBoolean() ? 0 : 1] = rnd.nextBoolean() ? "" : "\"\"";
          case 3 -> fields[2] = BAD_AMOUNTS[rnd.nextInt(BAD_AMOUNTS.length)];
          case 4 -> fields[3] = BAD_CURRENCIES[rnd.nextInt(BAD_CURRENCIES.length)];
          case 5 -> fields[4] = BAD_STATUSES[rnd.nextInt(BAD_STATUSES.length)];
          case 6 -> fields[5] = BAD_TIMESTAMPS[rnd.nextInt(BAD_TIMESTAMPS.length)];
          default -> {}
        }
        line.setLength(0);
        int n = suffix == null ? names.length - 1 : names.length;
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            line.append(',');
          }
          line.append(fields[order[i]]);
        }
        if (suffix != null) {
          line.append(suffix);
        }
        line.append('\n');
        out.append(line);
      }
    }
  }

  private static String[] merchants(SplittableRandom rnd, int count) {
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      int kind = rnd.nextInt(40);
      String id = String.format("M%05d", rnd.nextInt(100_000));
      out[i] =
          switch (kind) {
            case 0 -> "\"Acme, Inc. " + i + "\"";
            case 1 -> "\"Bob's \"\"Best\"\" " + i + "\"";
            case 2 -> "Caf\u00e9 " + i;
            case 3 -> "\uD83D\uDE00Smile" + i;
            case 4 -> "\uFF5EWave" + i;
            default -> id;
          };
    }
    return out;
  }

  private static String amount(SplittableRandom rnd, boolean yen) {
    long units = yen ? 1 + rnd.nextLong(2_000_000) : rnd.nextLong(5_000);
    return switch (rnd.nextInt(3)) {
      case 0 -> Long.toString(units == 0 ? 1 : units);
      case 1 -> units + "." + rnd.nextInt(10);
      default -> units + "." + (rnd.nextInt(90) + 10);
    };
  }

  /**
   * A timestamp on the file's business day (local time, so offsets move some rows to the UTC day
   * before or after), or for one row in ten a late arrival from up to six days earlier.
   */
  private static String timestamp(SplittableRandom rnd, LocalDate businessDay) {
    LocalDate date = rnd.nextInt(10) == 0 ? businessDay.minusDays(1 + rnd.nextInt(6)) : businessDay;
    StringBuilder t = new StringBuilder(40);
    t.append(date).append('T');
    two(t, rnd.nextInt(24)).append(':');
    two(t, rnd.nextInt(60)).append(':');
    two(t, rnd.nextInt(60));
    if (rnd.nextInt(5) == 0) {
      int digits = 1 + rnd.nextInt(9);
      t.append('.');
      for (int i = 0; i < digits; i++) {
        t.append((char) ('0' + rnd.nextInt(10)));
      }
    }
    return t.append(OFFSETS[rnd.nextInt(OFFSETS.length)]).toString();
  }

  private static StringBuilder two(StringBuilder t, int v) {
    if (v < 10) {
      t.append('0');
    }
    return t.append(v);
  }
}
