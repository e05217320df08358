package dev.ballast.jobs.settlement;

import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.CsvSplitter;
import dev.ballast.job.source.Line;
import dev.ballast.job.source.Swar;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The settlement job's {@link RecordProcessor}: checks one row (a {@link Line}, parsed over its
 * bytes without building strings) and adds an accepted one to the {@link Aggregates}. Not
 * thread-safe: one instance per chunk being processed.
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
 *       content ({@link dev.ballast.job.source.LineSource} strips it). The last line may lack
 *       its LF. Blank lines are not rows.
 *   <li>Invalid UTF-8 is decoded with replacement characters (merchant ids, currencies that are
 *       not ASCII, and the {@code raw} of rejects).
 *   <li>An amount is also {@code BAD_AMOUNT} when its hundredths do not fit a signed 64-bit long,
 *       or, when its currency is in the rate table, when its US cents do not.
 *   <li>Each row's cents are {@code amount × rate × 100} rounded half-to-even (may be 0).
 *   <li>A PENDING row is valid but not settled: it is skipped (counted as {@code skipped}).
 * </ul>
 */
public final class SettlementRows implements RecordProcessor<Line, Aggregates> {
  private static final byte[][] STATUSES = {
    "SETTLED".getBytes(StandardCharsets.US_ASCII),
    "REFUNDED".getBytes(StandardCharsets.US_ASCII),
    "PENDING".getBytes(StandardCharsets.US_ASCII)
  };
  private static final long BYTES_7 = 0x00FFFFFFFFFFFFFFL;
  private static final long SETTLED_WORD = word(STATUSES[0], 0, 7);
  private static final long REFUNDED_WORD =
      word(STATUSES[1], 0, 7) | ((long) STATUSES[1][7] << 56);
  private static final long PENDING_WORD = word(STATUSES[2], 0, 7);
  private static final int SETTLED = 0;
  private static final int REFUNDED = 1;
  private static final int PENDING = 2;

  private static final Outcome BAD_QUOTING = Outcome.reject("BAD_QUOTING");
  private static final Outcome FIELD_COUNT = Outcome.reject("FIELD_COUNT");
  private static final Outcome MISSING_FIELD = Outcome.reject("MISSING_FIELD");
  private static final Outcome BAD_AMOUNT = Outcome.reject("BAD_AMOUNT");
  private static final Outcome BAD_CURRENCY = Outcome.reject("BAD_CURRENCY");
  private static final Outcome BAD_STATUS = Outcome.reject("BAD_STATUS");
  private static final Outcome BAD_TIMESTAMP = Outcome.reject("BAD_TIMESTAMP");

  private final SettlementJobType.Columns columns;
  private final Map<String, Rate> rates = new HashMap<>();
  private final byte[][] asciiCurrencies;
  private final Rate[] asciiRates;
  /** The ASCII currencies of 1 to 7 bytes as words (see {@link #rate}), and their rates. */
  private final long[] shortKeys;
  private final Rate[] shortRates;
  private final CsvSplitter splitter = new CsvSplitter();
  /** A quoted merchant's bytes without its {@code ""} escapes. */
  private byte[] unescaped = new byte[64];

  SettlementRows(Map<String, BigDecimal> rateTable, SettlementJobType.Columns columns) {
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
    int shorts = 0;
    for (byte[] key : asciiCurrencies) {
      shorts += key.length > 0 && key.length < 8 ? 1 : 0;
    }
    shortKeys = new long[shorts];
    shortRates = new Rate[shorts];
    int k = 0;
    for (int j = 0; j < asciiCurrencies.length; j++) {
      byte[] key = asciiCurrencies[j];
      if (key.length > 0 && key.length < 8) {
        shortKeys[k] = word(key, 0, key.length) | ((long) key.length << 56);
        shortRates[k++] = asciiRates[j];
      }
    }
  }

  /** Checks one row; an accepted one is added to {@code into}. */
  @Override
  public Outcome process(SourceRecord<Line> record, Aggregates into) {
    Line line = record.value();
    byte[] b = line.bytes();
    CsvSplitter f = splitter;
    int n = f.split(b, line.start(), line.end());
    if (n < 0) {
      return BAD_QUOTING;
    }
    SettlementJobType.Columns c = columns;
    if (n != c.fieldCount()) {
      return FIELD_COUNT;
    }
    if (f.isEmpty(c.txnId()) || f.isEmpty(c.merchantId())) {
      return MISSING_FIELD;
    }
    int a = c.amount();
    long hundredths =
        f.escaped(a) ? Amounts.INVALID : Amounts.parseHundredths(b, f.start(a), f.end(a));
    if (hundredths == Amounts.INVALID) {
      return BAD_AMOUNT;
    }
    Rate rate = rate(b, c.currency());
    if (rate == null) {
      return BAD_CURRENCY;
    }
    long cents = rate.cents(hundredths);
    if (cents == Rate.OVERFLOW) {
      return BAD_AMOUNT;
    }
    int status = status(b, c.status());
    if (status < 0) {
      return BAD_STATUS;
    }
    int t = c.createdAt();
    long day = f.escaped(t) ? Timestamps.INVALID : Timestamps.utcEpochDay(b, f.start(t), f.end(t));
    if (day == Timestamps.INVALID) {
      return BAD_TIMESTAMP;
    }
    if (status == PENDING) {
      return Outcome.skip();
    }
    int m = c.merchantId();
    if (f.escaped(m)) {
      // A merchant holding quotes takes the same byte path, unescaped into a buffer of its own.
      int len = f.end(m) - f.start(m);
      if (len > unescaped.length) {
        unescaped = new byte[Math.max(len, 2 * unescaped.length)];
      }
      into.add(unescaped, 0, f.unescape(b, m, unescaped), day, status == REFUNDED, cents);
    } else {
      into.add(b, f.start(m), f.end(m), day, status == REFUNDED, cents);
    }
    return Outcome.accept();
  }

  private Rate rate(byte[] b, int field) {
    CsvSplitter f = splitter;
    int s = f.start(field);
    int e = f.end(field);
    int len = e - s;
    if (len > 0 && len < 8 && s + 8 <= b.length && !f.escaped(field)) {
      // A short currency as one word (its length in the top byte): compared with the short
      // ASCII codes of the table; a miss that is ASCII is in no other entry either.
      long w = Swar.get(b, s) & ((1L << (len << 3)) - 1);
      long key = w | ((long) len << 56);
      long[] keys = shortKeys;
      for (int k = 0; k < keys.length; k++) {
        if (keys[k] == key) {
          return shortRates[k];
        }
      }
      if ((w & 0x8080808080808080L) == 0) {
        return null;
      }
    }
    boolean ascii = !f.escaped(field);
    for (int i = s; i < e && ascii; i++) {
      ascii = b[i] >= 0;
    }
    if (!ascii) {
      return rates.get(f.value(b, field));
    }
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
    if (s + 8 <= b.length) {
      // Compare whole words: SETTLED and PENDING are 7 bytes (the 8th read is masked off).
      long w = Swar.get(b, s);
      if (len == 7) {
        w &= BYTES_7;
        return w == SETTLED_WORD ? SETTLED : w == PENDING_WORD ? PENDING : -1;
      }
      return len == 8 && w == REFUNDED_WORD ? REFUNDED : -1;
    }
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

  /** Bytes {@code b[from, from + len)} as a little-endian word, the rest 0; {@code len < 8}. */
  private static long word(byte[] b, int from, int len) {
    long w = 0;
    for (int i = len - 1; i >= 0; i--) {
      w = (w << 8) | (b[from + i] & 0xFF);
    }
    return w;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
