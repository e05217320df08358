package dev.ballast.activities.settlement;

import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settlement totals by (merchant, UTC date): transaction count, gross (SETTLED) and refunds
 * (REFUNDED) in US cents. Sums use exact long arithmetic; a sum that overflows a long fails with
 * {@link ArithmeticException}. Not thread-safe.
 */
public final class Aggregates {
  /** Header of {@code settlement.csv}. */
  public static final String CSV_HEADER =
      "merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n";

  /** Orders strings by Unicode code point (not by UTF-16 unit, as {@code compareTo} does). */
  public static final Comparator<String> CODE_POINT_ORDER = Aggregates::compareCodePoints;

  private record Key(String merchant, long day) {}

  private final Map<Key, long[]> totals = new HashMap<>();

  /** Adds one accepted row. */
  public void add(String merchant, long epochDay, boolean refund, long cents) {
    long[] t = totals.computeIfAbsent(new Key(merchant, epochDay), k -> new long[3]);
    t[0]++;
    if (refund) {
      t[2] = Math.addExact(t[2], cents);
    } else {
      t[1] = Math.addExact(t[1], cents);
    }
  }

  /** Adds totals of a group. */
  public void add(String merchant, long epochDay, long count, long gross, long refunds) {
    long[] t = totals.computeIfAbsent(new Key(merchant, epochDay), k -> new long[3]);
    t[0] = Math.addExact(t[0], count);
    t[1] = Math.addExact(t[1], gross);
    t[2] = Math.addExact(t[2], refunds);
  }

  /** Number of groups. */
  public int size() {
    return totals.size();
  }

  public boolean isEmpty() {
    return totals.isEmpty();
  }

  public void clear() {
    totals.clear();
  }

  /** Writes the groups in a compact binary form that {@link #readFrom} reads back. */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(totals.size());
    for (Map.Entry<Key, long[]> e : totals.entrySet()) {
      byte[] merchant = e.getKey().merchant().getBytes(StandardCharsets.UTF_8);
      out.writeInt(merchant.length);
      out.write(merchant);
      out.writeLong(e.getKey().day());
      long[] t = e.getValue();
      out.writeLong(t[0]);
      out.writeLong(t[1]);
      out.writeLong(t[2]);
    }
  }

  /** Reads groups written by {@link #writeTo} and adds them to these totals. */
  public void readFrom(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("bad group count " + n);
    }
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > (64 << 20)) {
        throw new IOException("bad merchant length " + len);
      }
      byte[] merchant = in.readNBytes(len);
      if (merchant.length != len) {
        throw new IOException("truncated group");
      }
      long day = in.readLong();
      long count = in.readLong();
      long gross = in.readLong();
      long refunds = in.readLong();
      add(new String(merchant, StandardCharsets.UTF_8), day, count, gross, refunds);
    }
  }

  /**
   * Writes {@code settlement.csv}: the header, then one line per group sorted by merchant (code
   * point order) then date, LF endings, the merchant quoted only when it holds a comma, a quote,
   * CR or LF.
   */
  public void writeCsv(OutputStream stream) throws IOException {
    List<Map.Entry<Key, long[]>> rows = new ArrayList<>(totals.entrySet());
    rows.sort(
        Comparator.comparing((Map.Entry<Key, long[]> e) -> e.getKey().merchant(), CODE_POINT_ORDER)
            .thenComparingLong(e -> e.getKey().day()));
    Writer out =
        new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    out.write(CSV_HEADER);
    StringBuilder line = new StringBuilder(128);
    for (Map.Entry<Key, long[]> e : rows) {
      long[] t = e.getValue();
      line.setLength(0);
      appendCsvField(line, e.getKey().merchant());
      line.append(',')
          .append(LocalDate.ofEpochDay(e.getKey().day()))
          .append(',')
          .append(t[0])
          .append(',')
          .append(t[1])
          .append(',')
          .append(t[2])
          .append(',')
          .append(Math.subtractExact(t[1], t[2]))
          .append('\n');
      out.append(line);
    }
    out.flush();
  }

  /** Appends {@code value}, quoted per RFC 4180 only when it holds a comma, quote, CR or LF. */
  public static void appendCsvField(StringBuilder out, String value) {
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (quote) {
      out.append('"').append(value.replace("\"", "\"\"")).append('"');
    } else {
      out.append(value);
    }
  }

  /** Compares two strings by Unicode code points. */
  public static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) {
          return Character.compare(x, y);
        }
        return Integer.compare(a.codePointAt(i), b.codePointAt(i));
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
