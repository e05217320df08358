package dev.ballast.activities.settlement;

import dev.ballast.api.model.Counts;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The settlement record engine: checks and totals the rows of one input file, line by line, over
 * bytes. Not thread-safe: one instance per chunk being processed.
 *
 * <p>Each row is checked in this order, and its first failure is its reject reason: {@code
 * BAD_QUOTING} (RFC 4180), {@code FIELD_COUNT} (differs from the header), {@code MISSING_FIELD}
 * (empty txn_id or merchant_id), {@code BAD_AMOUNT} ({@code [0-9]+(\.[0-9]{1,2})?}, not zero),
 * {@code BAD_CURRENCY} (not in the rate table, case-sensitive), {@code BAD_STATUS} (SETTLED,
 * REFUNDED or PENDING), {@code BAD_TIMESTAMP} (see {@link Timestamps}).
 *
 * <p>Decisions where the contract is open:
 *
 * <ul>
 *   <li>A line ends at LF; a CR right before the LF belongs to the line ending, a CR elsewhere is
 *       content (callers strip it, see {@link #line}). The last line may lack its LF.
 *   <li>Invalid UTF-8 is decoded with replacement characters (merchant ids, currencies that are
 *       not ASCII, and the {@code raw} of rejects).
 *   <li>An amount is also {@code BAD_AMOUNT} when its hundredths do not fit a signed 64-bit long,
 *       or, when its currency is in the rate table, when its US cents do not.
 *   <li>Each row's cents are {@code amount × rate × 100} rounded half-to-even (may be 0).
 * </ul>
 */
public final class SettlementRows {
  private static final byte[][] STATUSES = {
    "SETTLED".getBytes(StandardCharsets.US_ASCII),
    "REFUNDED".getBytes(StandardCharsets.US_ASCII),
    "PENDING".getBytes(StandardCharsets.US_ASCII)
  };
  private static final int SETTLED = 0;
  private static final int REFUNDED = 1;
  private static final int PENDING = 2;

  private final SettlementJobType.Columns columns;
  private final Map<String, Rate> rates = new HashMap<>();
  private final byte[][] asciiCurrencies;
  private final Rate[] asciiRates;
  private final String fileJson;
  private final CsvSplitter splitter = new CsvSplitter();
  private final StringCache merchants = new StringCache();

  private Aggregates aggregates = new Aggregates();
  private StringBuilder rejects = new StringBuilder();
  private long rows;
  private long accepted;
  private long pending;
  private long rejected;

  SettlementRows(Map<String, BigDecimal> rateTable, SettlementJobType.Columns columns, String fileName) {
    this.columns = columns;
    int ascii = 0;
    for (Map.Entry<String, BigDecimal> e : rateTable.entrySet()) {
      rates.put(e.getKey(), new Rate(e.getValue()));
      if (isAscii(e.getKey())) {
        ascii++;
      }
    }
    asciiCurrencies = new byte[ascii][];
    asciiRates = new Rate[ascii];
    int i = 0;
    for (Map.Entry<String, Rate> e : rates.entrySet()) {
      if (isAscii(e.getKey())) {
        asciiCurrencies[i] = e.getKey().getBytes(StandardCharsets.US_ASCII);
        asciiRates[i] = e.getValue();
        i++;
      }
    }
    this.fileJson = JsonText.quote(fileName);
  }

  /**
   * Processes one physical line, {@code b[from, to)} without its line ending (LF, or CR LF).
   * A blank line is skipped.
   */
  public void line(byte[] b, int from, int to, long lineNumber) {
    if (from == to) {
      return;
    }
    rows++;
    CsvSplitter f = splitter;
    int n = f.split(b, from, to);
    if (n < 0) {
      reject(b, from, to, lineNumber, "BAD_QUOTING");
      return;
    }
    SettlementJobType.Columns c = columns;
    if (n != c.fieldCount()) {
      reject(b, from, to, lineNumber, "FIELD_COUNT");
      return;
    }
    if (f.isEmpty(c.txnId()) || f.isEmpty(c.merchantId())) {
      reject(b, from, to, lineNumber, "MISSING_FIELD");
      return;
    }
    int a = c.amount();
    long hundredths =
        f.escaped(a) ? Amounts.INVALID : Amounts.parseHundredths(b, f.start(a), f.end(a));
    if (hundredths == Amounts.INVALID) {
      reject(b, from, to, lineNumber, "BAD_AMOUNT");
      return;
    }
    Rate rate = rate(b, c.currency());
    long cents = 0;
    if (rate != null) {
      cents = rate.cents(hundredths);
      if (cents == Rate.OVERFLOW) {
        reject(b, from, to, lineNumber, "BAD_AMOUNT");
        return;
      }
    } else {
      reject(b, from, to, lineNumber, "BAD_CURRENCY");
      return;
    }
    int status = status(b, c.status());
    if (status < 0) {
      reject(b, from, to, lineNumber, "BAD_STATUS");
      return;
    }
    int t = c.createdAt();
    long day = f.escaped(t) ? Timestamps.INVALID : Timestamps.utcEpochDay(b, f.start(t), f.end(t));
    if (day == Timestamps.INVALID) {
      reject(b, from, to, lineNumber, "BAD_TIMESTAMP");
      return;
    }
    if (status == PENDING) {
      pending++;
      return;
    }
    accepted++;
    int m = c.merchantId();
    String merchant = f.escaped(m) ? f.value(b, m) : merchants.get(b, f.start(m), f.end(m));
    aggregates.add(merchant, day, status == REFUNDED, cents);
  }

  private Rate rate(byte[] b, int field) {
    CsvSplitter f = splitter;
    int s = f.start(field);
    int e = f.end(field);
    boolean ascii = !f.escaped(field);
    for (int i = s; i < e && ascii; i++) {
      ascii = b[i] >= 0;
    }
    if (!ascii) {
      return rates.get(f.value(b, field));
    }
    int len = e - s;
    outer:
    for (int k = 0; k < asciiCurrencies.length; k++) {
      byte[] key = asciiCurrencies[k];
      if (key.length != len) {
        continue;
      }
      for (int i = 0; i < len; i++) {
        if (key[i] != b[s + i]) {
          continue outer;
        }
      }
      return asciiRates[k];
    }
    return null;
  }

  private int status(byte[] b, int field) {
    CsvSplitter f = splitter;
    if (f.escaped(field)) {
      return -1;
    }
    int s = f.start(field);
    int len = f.end(field) - s;
    outer:
    for (int k = 0; k < STATUSES.length; k++) {
      byte[] key = STATUSES[k];
      if (key.length != len) {
        continue;
      }
      for (int i = 0; i < len; i++) {
        if (key[i] != b[s + i]) {
          continue outer;
        }
      }
      return k;
    }
    return -1;
  }

  private void reject(byte[] b, int from, int to, long lineNumber, String reason) {
    rejected++;
    StringBuilder r = rejects;
    r.append("{\"file\":").append(fileJson).append(",\"line\":").append(lineNumber);
    r.append(",\"reason\":\"").append(reason).append("\",\"raw\":");
    JsonText.appendString(r, Utf8.decode(b, from, to));
    r.append("}\n");
  }

  /** Rows seen since the last {@link #takeSegment}. */
  public Counts counts() {
    return new Counts(rows, accepted, pending, rejected);
  }

  /** The results since the last call, and a fresh start for the next segment. */
  public Segment takeSegment() {
    Segment s =
        new Segment(counts(), aggregates, rejects.toString().getBytes(StandardCharsets.UTF_8));
    aggregates = new Aggregates();
    rejects = new StringBuilder();
    rows = 0;
    accepted = 0;
    pending = 0;
    rejected = 0;
    return s;
  }

  /**
   * What a run of lines produced.
   *
   * @param counts rows by outcome
   * @param aggregates totals of the accepted rows
   * @param rejects lines of {@code rejects.jsonl}, UTF-8, each ending in LF
   */
  public record Segment(Counts counts, Aggregates aggregates, byte[] rejects) {}

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
