package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The open-addressing totals against a plain sorted map, through both serialized read paths. */
class AggregatesTest {
  private static final String[] MERCHANTS = {
    "M1", "M2", "a,b", "q\"q", "caf\u00e9", "\uD83D\uDE00x", "\uFF5Ey", "", "M10", "M1 "
  };

  @Test
  void randomRowsTotalLikeASortedMapAndSurviveBothReadPaths() throws IOException {
    SplittableRandom rnd = new SplittableRandom(42);
    Aggregates reused = new Aggregates();
    for (int round = 0; round < 20; round++) {
      // Every other round reuses one instance, reset: it must behave exactly like a new one.
      Aggregates agg = round % 2 == 0 ? new Aggregates() : reused;
      if (agg == reused) {
        reused.reset();
      }
      TreeMap<String, TreeMap<Long, long[]>> model = new TreeMap<>(Aggregates.CODE_POINT_ORDER);
      int rows = rnd.nextInt(5000);
      for (int r = 0; r < rows; r++) {
        // new String instances: equality must not rely on identity
        String m = new String(MERCHANTS[rnd.nextInt(MERCHANTS.length)]);
        long day = 19_000 + rnd.nextInt(40);
        boolean refund = rnd.nextInt(4) == 0;
        long cents = rnd.nextLong(1_000_000);
        agg.add(m, day, refund, cents);
        long[] t = model.computeIfAbsent(m, k -> new TreeMap<>()).computeIfAbsent(day, k -> new long[3]);
        t[0]++;
        t[refund ? 2 : 1] += cents;
      }
      String expected = csv(model);
      assertEquals(expected, csv(agg));

      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      agg.writeTo(new DataOutputStream(bytes));
      Aggregates viaStream = new Aggregates();
      viaStream.mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(expected, csv(viaStream));
      Aggregates doubled = new Aggregates();
      doubled.mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      doubled.mergeFrom(viaStream);
      viaStream.mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(csv(viaStream), csv(doubled));
    }
  }

  @Test
  void rowsAddedAsBytesTotalLikeRowsAddedAsStrings() throws IOException {
    // Spans of every length around the 8- and 16-byte words, malformed UTF-8 among them (0xFF and
    // 0xFE both decode to U+FFFD: one merchant), anywhere in a buffer, also at its very end.
    SplittableRandom rnd = new SplittableRandom(8);
    byte[] alphabet = {'M', '1', ',', '"', ' ', (byte) 0xFF, (byte) 0xFE, (byte) 0xC3, (byte) 0xA9};
    byte[][] names = new byte[300][];
    for (int i = 0; i < names.length; i++) {
      names[i] = new byte[rnd.nextInt(26)];
      for (int k = 0; k < names[i].length; k++) {
        names[i][k] = alphabet[rnd.nextInt(alphabet.length)];
      }
    }
    Aggregates asBytes = new Aggregates();
    Aggregates asStrings = new Aggregates();
    for (int segment = 0; segment < 5; segment++) {
      for (int r = 0; r < 3000; r++) {
        byte[] name = names[rnd.nextInt(names.length)];
        int before = rnd.nextInt(9);
        byte[] b = new byte[before + name.length + (rnd.nextBoolean() ? 0 : rnd.nextInt(9))];
        Arrays.fill(b, (byte) 'M');
        System.arraycopy(name, 0, b, before, name.length);
        long day = 19_000 + rnd.nextInt(3);
        boolean refund = rnd.nextInt(4) == 0;
        long cents = rnd.nextLong(1000);
        asBytes.add(b, before, before + name.length, day, refund, cents);
        asStrings.add(new String(name, StandardCharsets.UTF_8), day, refund, cents);
      }
      assertEquals(csv(asStrings), csv(asBytes), "segment " + segment);
      asBytes.reset();
      asStrings.reset();
    }
  }

  @Test
  void linesAreOrderedByMerchantThenDayWhateverTheSpanOfDays() throws IOException {
    // Days a few apart, the whole of years 0000-9999, and a span beyond 2^32 days (sorted another
    // way): the same order as a sorted map's, merchants by code point (a surrogate pair after
    // U+FF5E, which UTF-16 order would put before it).
    long[][] spans = {{19_000, 19_003}, {-719_528, 2_932_896}, {-3_000_000_000L, 3_000_000_000L}};
    for (long[] span : spans) {
      SplittableRandom rnd = new SplittableRandom(span[0]);
      Aggregates agg = new Aggregates();
      TreeMap<String, TreeMap<Long, long[]>> model = new TreeMap<>(Aggregates.CODE_POINT_ORDER);
      for (int r = 0; r < 2000; r++) {
        String m = MERCHANTS[rnd.nextInt(MERCHANTS.length)];
        long day = rnd.nextBoolean() ? span[rnd.nextInt(2)] : rnd.nextLong(span[0], span[1] + 1);
        long cents = rnd.nextLong(1_000);
        agg.add(m, day, false, cents);
        long[] t = model.computeIfAbsent(m, k -> new TreeMap<>()).computeIfAbsent(day, k -> new long[3]);
        t[0]++;
        t[1] += cents;
      }
      assertEquals(csv(model), csv(agg), "days " + span[0] + ".." + span[1]);
    }
    assertEquals(Aggregates.CSV_HEADER, csv(new Aggregates()));
  }

  @Test
  void truncatedBytesFailWithIoException() throws IOException {
    Aggregates agg = new Aggregates();
    agg.add("M1", 1, false, 5);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    agg.writeTo(new DataOutputStream(bytes));
    byte[] all = bytes.toByteArray();
    for (int cut = 0; cut < all.length; cut++) {
      byte[] part = Arrays.copyOf(all, cut);
      assertThrows(IOException.class, () -> new Aggregates().mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(part))), "cut " + cut);
    }
  }

  @Test
  void extremeTotalsSurviveTheRoundTrip() throws IOException {
    Aggregates agg = new Aggregates();
    agg.add("M", Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, -1);
    agg.add("N", Long.MAX_VALUE, 0, Long.MAX_VALUE, Long.MIN_VALUE);
    agg.add("M", -1, 1, 0, 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    agg.writeTo(new DataOutputStream(bytes));
    Aggregates back = new Aggregates();
    back.mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    Aggregates expected = new Aggregates();
    expected.mergeFrom(agg);
    assertEquals(groups(expected), groups(back));
  }

  @Test
  void theEarlierEncodingStillReads() throws IOException {
    // Segments staged by an earlier version: the group count, then per group the merchant's length
    // and UTF-8 bytes and four longs (day, count, gross, refunds).
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(2);
    for (String m : new String[] {"caf\u00e9", "a,b"}) {
      byte[] b = m.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
      out.writeLong(19_000);
      out.writeLong(3);
      out.writeLong(500);
      out.writeLong(20);
    }
    Aggregates back = new Aggregates();
    back.mergeFrom((java.io.DataInput) new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(
        Aggregates.CSV_HEADER + "\"a,b\",2022-01-08,3,500,20,480\ncaf\u00e9,2022-01-08,3,500,20,480\n",
        csv(back));
  }

  @Test
  void overflowingTotalsFail() {
    Aggregates agg = new Aggregates();
    agg.add("M", 1, false, Long.MAX_VALUE);
    assertThrows(ArithmeticException.class, () -> agg.add("M", 1, false, 1));
  }

  /** Every group's numbers, unformatted (writeCsv would fail on an overflowing net). */
  private static String groups(Aggregates agg) {
    StringBuilder s = new StringBuilder();
    java.util.List<String> lines = new java.util.ArrayList<>();
    agg.forEachGroup((m, day, count, g, r) -> lines.add(m + "|" + day + "|" + count + "|" + g + "|" + r));
    java.util.Collections.sort(lines);
    lines.forEach(l -> s.append(l).append('\n'));
    return s.toString();
  }

  private static String csv(Aggregates agg) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    agg.writeCsv(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String csv(TreeMap<String, TreeMap<Long, long[]>> model) {
    StringBuilder s = new StringBuilder(Aggregates.CSV_HEADER);
    model.forEach(
        (m, byDay) ->
            byDay.forEach(
                (day, t) -> {
                  // RFC 4180, quoted only when needed, written here independently of Csv.quote.
                  boolean quoted = m.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
                  s.append(quoted ? '"' + m.replace("\"", "\"\"") + '"' : m);
                  s.append(',').append(LocalDate.ofEpochDay(day)).append(',').append(t[0]).append(',')
                      .append(t[1]).append(',').append(t[2]).append(',').append(t[1] - t[2]).append('\n');
                }));
    return s.toString();
  }
}
