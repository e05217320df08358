package dev.ballast.activities.settlement;

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
    for (int round = 0; round < 20; round++) {
      Aggregates agg = new Aggregates();
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
      viaStream.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(expected, csv(viaStream));
      Aggregates doubled = new Aggregates();
      doubled.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      doubled.mergeFrom(viaStream);
      viaStream.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(csv(viaStream), csv(doubled));
    }
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
      assertThrows(IOException.class, () -> new Aggregates().readFrom(new DataInputStream(new ByteArrayInputStream(part))), "cut " + cut);
    }
  }

  @Test
  void overflowingTotalsFail() {
    Aggregates agg = new Aggregates();
    agg.add("M", 1, false, Long.MAX_VALUE);
    assertThrows(ArithmeticException.class, () -> agg.add("M", 1, false, 1));
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
                  Aggregates.appendCsvField(s, m);
                  s.append(',').append(LocalDate.ofEpochDay(day)).append(',').append(t[0]).append(',')
                      .append(t[1]).append(',').append(t[2]).append(',').append(t[1] - t[2]).append('\n');
                }));
    return s.toString();
  }
}
