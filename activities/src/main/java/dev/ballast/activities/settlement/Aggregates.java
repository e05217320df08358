package dev.ballast.activities.settlement;

import dev.ballast.activities.stage.Accumulator;
import java.io.BufferedWriter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Settlement totals by (merchant, UTC date): transaction count, gross (SETTLED) and refunds
 * (REFUNDED) in US cents. Sums use exact long arithmetic; a sum that overflows a long fails with
 * {@link ArithmeticException}. Not thread-safe.
 *
 * <p>It is the settlement job's {@link Accumulator}: merging sums the groups, so it is
 * associative, with an empty instance as identity.
 */
public final class Aggregates implements Accumulator<Aggregates> {
  /** Header of {@code settlement.csv}. */
  public static final String CSV_HEADER =
      "merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n";

  /** Orders strings by Unicode code point (not by UTF-16 unit, as {@code compareTo} does). */
  public static final Comparator<String> CODE_POINT_ORDER = Aggregates::compareCodePoints;

  private static final int INITIAL_CAPACITY = 256;

  // Open addressing over parallel arrays: a row adds to its group without allocating (merchant
  // strings come from a StringCache, so the equality check is usually an identity check).
  private String[] merchants = new String[INITIAL_CAPACITY];
  private long[] days = new long[INITIAL_CAPACITY];
  private long[] counts = new long[INITIAL_CAPACITY];
  private long[] gross = new long[INITIAL_CAPACITY];
  private long[] refunds = new long[INITIAL_CAPACITY];
  private int[] hashes = new int[INITIAL_CAPACITY];
  private int size;
  private StringCache decoded;

  /** Adds one accepted row. */
  public void add(String merchant, long epochDay, boolean refund, long cents) {
    int slot = slot(merchant, epochDay);
    counts[slot]++;
    if (refund) {
      refunds[slot] = Math.addExact(refunds[slot], cents);
    } else {
      gross[slot] = Math.addExact(gross[slot], cents);
    }
  }

  /** Adds totals of a group. */
  public void add(String merchant, long epochDay, long count, long grossCents, long refundCents) {
    int slot = slot(merchant, epochDay);
    counts[slot] = Math.addExact(counts[slot], count);
    gross[slot] = Math.addExact(gross[slot], grossCents);
    refunds[slot] = Math.addExact(refunds[slot], refundCents);
  }

  /** The slot of group (merchant, day), created empty when missing. */
  private int slot(String merchant, long day) {
    int h = hash(merchant, day);
    int mask = merchants.length - 1;
    int i = h & mask;
    while (true) {
      String m = merchants[i];
      if (m == null) {
        break;
      }
      if (hashes[i] == h && days[i] == day && (m == merchant || m.equals(merchant))) {
        return i;
      }
      i = (i + 1) & mask;
    }
    merchants[i] = merchant;
    days[i] = day;
    hashes[i] = h;
    if (++size * 2 > merchants.length) {
      grow();
      return slot(merchant, day);
    }
    return i;
  }

  private static int hash(String merchant, long day) {
    int h = merchant.hashCode() * 31 + Long.hashCode(day);
    h *= 0x9E3779B9;
    return h ^ (h >>> 15);
  }

  private void grow() {
    String[] oldMerchants = merchants;
    long[] oldDays = days;
    long[] oldCounts = counts;
    long[] oldGross = gross;
    long[] oldRefunds = refunds;
    int[] oldHashes = hashes;
    int n = oldMerchants.length * 2;
    merchants = new String[n];
    days = new long[n];
    counts = new long[n];
    gross = new long[n];
    refunds = new long[n];
    hashes = new int[n];
    int mask = n - 1;
    for (int j = 0; j < oldMerchants.length; j++) {
      if (oldMerchants[j] != null) {
        int i = oldHashes[j] & mask;
        while (merchants[i] != null) {
          i = (i + 1) & mask;
        }
        merchants[i] = oldMerchants[j];
        days[i] = oldDays[j];
        counts[i] = oldCounts[j];
        gross[i] = oldGross[j];
        refunds[i] = oldRefunds[j];
        hashes[i] = oldHashes[j];
      }
    }
  }

  /** Number of groups. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void clear() {
    merchants = new String[INITIAL_CAPACITY];
    days = new long[INITIAL_CAPACITY];
    counts = new long[INITIAL_CAPACITY];
    gross = new long[INITIAL_CAPACITY];
    refunds = new long[INITIAL_CAPACITY];
    hashes = new int[INITIAL_CAPACITY];
    size = 0;
  }

  /** Adds {@code other}'s groups to these totals. */
  @Override
  public void mergeFrom(Aggregates other) {
    for (int i = 0; i < other.merchants.length; i++) {
      if (other.merchants[i] != null) {
        add(other.merchants[i], other.days[i], other.counts[i], other.gross[i], other.refunds[i]);
      }
    }
  }

  /** Writes the groups in a compact binary form that {@link #readFrom} reads back. */
  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(size);
    for (int i = 0; i < merchants.length; i++) {
      if (merchants[i] == null) {
        continue;
      }
      byte[] merchant = merchants[i].getBytes(StandardCharsets.UTF_8);
      out.writeInt(merchant.length);
      out.write(merchant);
      out.writeLong(days[i]);
      out.writeLong(counts[i]);
      out.writeLong(gross[i]);
      out.writeLong(refunds[i]);
    }
  }

  /**
   * Reads groups written by {@link #writeTo} and adds them to these totals.
   *
   * @throws IOException when the bytes are not well-formed groups ({@link java.io.EOFException}
   *     when truncated)
   */
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("bad group count " + n);
    }
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > (64 << 20)) {
        throw new IOException("bad merchant length " + len);
      }
      byte[] merchant = new byte[len];
      in.readFully(merchant);
      long day = in.readLong();
      long count = in.readLong();
      long grossCents = in.readLong();
      long refundCents = in.readLong();
      add(merchantString(merchant, 0, len), day, count, grossCents, refundCents);
    }
  }

  private String merchantString(byte[] b, int from, int to) {
    if (decoded == null) {
      decoded = new StringCache();
    }
    return decoded.get(b, from, to);
  }

  /**
   * Writes {@code settlement.csv}: the header, then one line per group sorted by merchant (code
   * point order) then date, LF endings, the merchant quoted only when it holds a comma, a quote,
   * CR or LF.
   */
  public void writeCsv(OutputStream stream) throws IOException {
    Integer[] order = new Integer[size];
    int k = 0;
    for (int i = 0; i < merchants.length; i++) {
      if (merchants[i] != null) {
        order[k++] = i;
      }
    }
    Arrays.sort(
        order,
        Comparator.comparing((Integer i) -> merchants[i], CODE_POINT_ORDER)
            .thenComparingLong(i -> days[i]));
    Writer out =
        new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    out.write(CSV_HEADER);
    StringBuilder line = new StringBuilder(128);
    for (int i : order) {
      line.setLength(0);
      appendCsvField(line, merchants[i]);
      line.append(',')
          .append(LocalDate.ofEpochDay(days[i]))
          .append(',')
          .append(counts[i])
          .append(',')
          .append(gross[i])
          .append(',')
          .append(refunds[i])
          .append(',')
          .append(Math.subtractExact(gross[i], refunds[i]))
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
