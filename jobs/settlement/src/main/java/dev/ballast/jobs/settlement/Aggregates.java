package dev.ballast.jobs.settlement;

import dev.ballast.job.Accumulator;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.Swar;
import dev.ballast.job.source.Utf8;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
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

  /** Marks the dictionary encoding (an earlier encoding starts with the group count, never < 0). */
  private static final int DICTIONARY_FORMAT = -0x41474432;

  /** Most merchants whose encoded bytes are kept across segments. */
  private static final int MAX_CACHED_MERCHANTS = 1 << 16;

  // Open addressing over parallel arrays, keyed by (merchant number, day): a row adds to its group
  // without allocating and without hashing or comparing strings.
  /** Each slot's merchant number plus one; 0 marks an empty slot. */
  private int[] groupMerchants = new int[INITIAL_CAPACITY];
  private long[] days = new long[INITIAL_CAPACITY];
  private long[] counts = new long[INITIAL_CAPACITY];
  private long[] gross = new long[INITIAL_CAPACITY];
  private long[] refunds = new long[INITIAL_CAPACITY];
  private int size;
  private StringCache decoded;
  /**
   * The merchants this instance has seen, numbered in order of first sight, with their names and
   * UTF-8 bytes: kept across {@link #reset}, so that a merchant is decoded and encoded once per
   * chunk, not once per row or per group and segment.
   */
  private final java.util.HashMap<String, Integer> merchantIndex = new java.util.HashMap<>();
  private String[] names = new String[64];
  private byte[][] merchantBytes = new byte[64][];
  /**
   * The merchant numbers of byte spans met in rows (open addressing): two spans that decode to the
   * same name (malformed UTF-8) share its number.
   */
  private byte[][] spanKeys = new byte[INITIAL_CAPACITY][];
  /** Each span's first and second eight bytes (see {@link #merchantId(byte[], int, int)}). */
  private long[] spanWords = new long[2 * INITIAL_CAPACITY];
  /** Each span's length (kept beside the words, so that a lookup need not read the key array). */
  private int[] spanLengths = new int[INITIAL_CAPACITY];
  private int[] spanHashes = new int[INITIAL_CAPACITY];
  private int[] spanMerchants = new int[INITIAL_CAPACITY];
  private int spans;
  /** Per {@link #writeTo}: a merchant's index in the written dictionary, valid when stamped. */
  private int[] dictionaryIndex = new int[64];
  private int[] dictionaryStamp = new int[64];
  private int[] dictionaryOrder = new int[64];
  private int writes;
  private byte[] buffer = new byte[1 << 12];

  /** Adds one accepted row. */
  public void add(String merchant, long epochDay, boolean refund, long cents) {
    add(merchantId(merchant), epochDay, refund, cents);
  }

  /**
   * Adds one accepted row whose merchant is the UTF-8 bytes {@code b[from, to)} (decoded with
   * replacement, as {@link dev.ballast.job.source.Utf8#decode} does).
   */
  public void add(byte[] b, int from, int to, long epochDay, boolean refund, long cents) {
    add(merchantId(b, from, to), epochDay, refund, cents);
  }

  private void add(int merchant, long epochDay, boolean refund, long cents) {
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
    add(merchantId(merchant), epochDay, count, grossCents, refundCents);
  }

  private void add(int merchant, long epochDay, long count, long grossCents, long refundCents) {
    int slot = slot(merchant, epochDay);
    counts[slot] = Math.addExact(counts[slot], count);
    gross[slot] = Math.addExact(gross[slot], grossCents);
    refunds[slot] = Math.addExact(refunds[slot], refundCents);
  }

  /** The slot of group (merchant number, day), created empty when missing. */
  private int slot(int merchant, long day) {
    int i = probe(merchant, day);
    if (groupMerchants[i] != 0) {
      return i;
    }
    groupMerchants[i] = merchant + 1;
    days[i] = day;
    if (++size * 2 > groupMerchants.length) {
      grow();
      return probe(merchant, day);
    }
    return i;
  }

  /** The slot holding group (merchant number, day), else the empty slot where it belongs. */
  private int probe(int merchant, long day) {
    int key = merchant + 1;
    int mask = groupMerchants.length - 1;
    int i = hash(merchant, day) & mask;
    while (true) {
      int m = groupMerchants[i];
      if (m == 0 || (m == key && days[i] == day)) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** The number of {@code merchant} in this instance's merchant table, added when new. */
  private int merchantId(String merchant) {
    Integer id = merchantIndex.get(merchant);
    if (id != null) {
      return id;
    }
    int next = merchantIndex.size();
    if (next == merchantBytes.length) {
      int n = next * 2;
      names = Arrays.copyOf(names, n);
      merchantBytes = Arrays.copyOf(merchantBytes, n);
      dictionaryIndex = Arrays.copyOf(dictionaryIndex, n);
      dictionaryStamp = Arrays.copyOf(dictionaryStamp, n);
      dictionaryOrder = Arrays.copyOf(dictionaryOrder, n);
    }
    merchantIndex.put(merchant, next);
    names[next] = merchant;
    merchantBytes[next] = merchant.getBytes(StandardCharsets.UTF_8);
    return next;
  }

  /** The number of the merchant whose UTF-8 bytes are {@code b[from, to)}, added when new. */
  private int merchantId(byte[] b, int from, int to) {
    int len = to - from;
    // The span's first sixteen bytes (fewer: zero-padded) as two words; a span of at most sixteen
    // bytes is compared as its words and length alone.
    long first = len >= 8 ? Swar.get(b, from) : len == 0 ? 0 : shortWord(b, from, len);
    long second = len >= 16 ? Swar.get(b, from + 8) : len <= 8 ? 0 : shortWord(b, from + 8, len - 8);
    long h = (first ^ len) * 0x9E3779B97F4A7C15L;
    h = (h ^ second) * 0x9E3779B97F4A7C15L;
    for (int i = from + 16; i < to; i += 8) {
      long w = to - i >= 8 ? Swar.get(b, i) : shortWord(b, i, to - i);
      h = (h ^ w) * 0x9E3779B97F4A7C15L;
    }
    int hash = (int) (h ^ (h >>> 29) ^ (h >>> 47));
    int mask = spanKeys.length - 1;
    int i = hash & mask;
    while (true) {
      byte[] key = spanKeys[i];
      if (key == null) {
        break;
      }
      if (spanWords[2 * i] == first
          && spanWords[2 * i + 1] == second
          && spanLengths[i] == len
          && (len <= 16 || Arrays.equals(key, 16, len, b, from + 16, to))) {
        return spanMerchants[i];
      }
      i = (i + 1) & mask;
    }
    return newSpan(b, from, to, i, first, second, hash);
  }

  private int newSpan(byte[] b, int from, int to, int i, long first, long second, int hash) {
    int id = merchantId(Utf8.decode(b, from, to));
    if (spans < MAX_CACHED_MERCHANTS) {
      spanKeys[i] = Arrays.copyOfRange(b, from, to);
      spanWords[2 * i] = first;
      spanWords[2 * i + 1] = second;
      spanLengths[i] = to - from;
      spanHashes[i] = hash;
      spanMerchants[i] = id;
      if (++spans * 2 > spanKeys.length) {
        growSpans();
      }
    }
    return id;
  }

  /** The {@code len} (1-7) bytes at {@code from} as a little-endian word, zero-padded. */
  private static long shortWord(byte[] b, int from, int len) {
    if (from + 8 <= b.length) {
      return Swar.get(b, from) & (-1L >>> ((8 - len) << 3));
    }
    long w = 0;
    for (int k = len - 1; k >= 0; k--) {
      w = (w << 8) | (b[from + k] & 0xFF);
    }
    return w;
  }

  private void growSpans() {
    byte[][] oldKeys = spanKeys;
    long[] oldWords = spanWords;
    int[] oldLengths = spanLengths;
    int[] oldHashes = spanHashes;
    int[] oldMerchants = spanMerchants;
    int n = oldKeys.length * 2;
    spanKeys = new byte[n][];
    spanWords = new long[2 * n];
    spanLengths = new int[n];
    spanHashes = new int[n];
    spanMerchants = new int[n];
    int mask = n - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != null) {
        int i = oldHashes[j] & mask;
        while (spanKeys[i] != null) {
          i = (i + 1) & mask;
        }
        spanKeys[i] = oldKeys[j];
        spanWords[2 * i] = oldWords[2 * j];
        spanWords[2 * i + 1] = oldWords[2 * j + 1];
        spanLengths[i] = oldLengths[j];
        spanHashes[i] = oldHashes[j];
        spanMerchants[i] = oldMerchants[j];
      }
    }
  }

  private static int hash(int merchant, long day) {
    long h = (day * 0x9E3779B97F4A7C15L) ^ merchant;
    h *= 0xD6E8FEB86659FD93L;
    return (int) (h >>> 32);
  }

  private void grow() {
    int[] oldMerchants = groupMerchants;
    long[] oldDays = days;
    long[] oldCounts = counts;
    long[] oldGross = gross;
    long[] oldRefunds = refunds;
    int n = oldMerchants.length * 2;
    groupMerchants = new int[n];
    days = new long[n];
    counts = new long[n];
    gross = new long[n];
    refunds = new long[n];
    int mask = n - 1;
    for (int j = 0; j < oldMerchants.length; j++) {
      if (oldMerchants[j] != 0) {
        int i = hash(oldMerchants[j] - 1, oldDays[j]) & mask;
        while (groupMerchants[i] != 0) {
          i = (i + 1) & mask;
        }
        groupMerchants[i] = oldMerchants[j];
        days[i] = oldDays[j];
        counts[i] = oldCounts[j];
        gross[i] = oldGross[j];
        refunds[i] = oldRefunds[j];
      }
    }
  }

  /** One group's totals, as {@link #forEachGroup} hands them out. */
  interface GroupVisitor {
    void visit(String merchant, long epochDay, long count, long grossCents, long refundCents);
  }

  /** Visits every group, in no particular order. */
  void forEachGroup(GroupVisitor visitor) {
    for (int i = 0; i < groupMerchants.length; i++) {
      if (groupMerchants[i] != 0) {
        visitor.visit(names[groupMerchants[i] - 1], days[i], counts[i], gross[i], refunds[i]);
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
    groupMerchants = new int[INITIAL_CAPACITY];
    days = new long[INITIAL_CAPACITY];
    counts = new long[INITIAL_CAPACITY];
    gross = new long[INITIAL_CAPACITY];
    refunds = new long[INITIAL_CAPACITY];
    size = 0;
  }

  /**
   * Empties the totals but keeps the table's capacity and the merchants' names and encoded bytes,
   * so that the next segment of a chunk neither grows the table again nor decodes or re-encodes
   * its merchants.
   */
  @Override
  public boolean reset() {
    Arrays.fill(groupMerchants, 0);
    Arrays.fill(counts, 0);
    Arrays.fill(gross, 0);
    Arrays.fill(refunds, 0);
    size = 0;
    if (merchantIndex.size() > MAX_CACHED_MERCHANTS) {
      merchantIndex.clear();
      names = new String[64];
      merchantBytes = new byte[64][];
      dictionaryIndex = new int[64];
      dictionaryStamp = new int[64];
      dictionaryOrder = new int[64];
      writes = 0;
      spanKeys = new byte[INITIAL_CAPACITY][];
      spanWords = new long[2 * INITIAL_CAPACITY];
      spanLengths = new int[INITIAL_CAPACITY];
      spanHashes = new int[INITIAL_CAPACITY];
      spanMerchants = new int[INITIAL_CAPACITY];
      spans = 0;
    }
    return true;
  }

  /** Adds {@code other}'s groups to these totals. */
  @Override
  public void mergeFrom(Aggregates other) {
    int[] ids = new int[other.merchantIndex.size()];
    Arrays.fill(ids, -1);
    for (int i = 0; i < other.groupMerchants.length; i++) {
      int m = other.groupMerchants[i] - 1;
      if (m >= 0) {
        if (ids[m] < 0) {
          ids[m] = merchantId(other.names[m]);
        }
        add(ids[m], other.days[i], other.counts[i], other.gross[i], other.refunds[i]);
      }
    }
  }

  /**
   * Writes the groups in a compact binary form that {@link #mergeFrom(DataInput)} reads back: a marker, the
   * merchants once each (length and UTF-8 bytes), then every group as its merchant's index, day,
   * count, gross and refunds, all as variable-length integers (small numbers take one byte).
   */
  @Override
  public void writeTo(DataOutput out) throws IOException {
    // Number the merchants of these groups 0, 1, ... in the order first met (a stamp per write
    // tells which merchants have a number in this write, without clearing an array each time).
    int stamp = ++writes;
    int used = 0;
    for (int i = 0; i < groupMerchants.length; i++) {
      if (groupMerchants[i] != 0) {
        int id = groupMerchants[i] - 1;
        if (dictionaryStamp[id] != stamp) {
          dictionaryStamp[id] = stamp;
          dictionaryIndex[id] = used;
          dictionaryOrder[used++] = id;
        }
      }
    }
    int at = putVarLong(0, size);
    for (int k = 0; k < used; k++) {
      byte[] bytes = merchantBytes[dictionaryOrder[k]];
      at = putVarLong(at, bytes.length);
      ensure(at + bytes.length);
      System.arraycopy(bytes, 0, buffer, at, bytes.length);
      at += bytes.length;
    }
    int merchantsEnd = at;
    for (int i = 0; i < groupMerchants.length; i++) {
      if (groupMerchants[i] != 0) {
        at = putVarLong(at, dictionaryIndex[groupMerchants[i] - 1]);
        at = putVarLong(at, zigZag(days[i]));
        at = putVarLong(at, counts[i]);
        at = putVarLong(at, zigZag(gross[i]));
        at = putVarLong(at, zigZag(refunds[i]));
      }
    }
    out.writeInt(DICTIONARY_FORMAT);
    out.writeInt(used);
    out.writeInt(merchantsEnd);
    out.writeInt(at - merchantsEnd);
    out.write(buffer, 0, at);
  }

  /**
   * Reads groups written by {@link #writeTo} (or by the earlier encoding: a group count, then each
   * group's merchant and fixed-size numbers) and adds them to these totals.
   *
   * @throws IOException when the bytes are not well-formed groups ({@link java.io.EOFException}
   *     when truncated)
   */
  @Override
  public void mergeFrom(DataInput in) throws IOException {
    int n = in.readInt();
    if (n == DICTIONARY_FORMAT) {
      readDictionaryFormat(in);
      return;
    }
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

  private void readDictionaryFormat(DataInput in) throws IOException {
    int merchantCount = in.readInt();
    int merchantsEnd = in.readInt();
    int groupBytes = in.readInt();
    if (merchantCount < 0 || merchantsEnd < 0 || merchantsEnd > (256 << 20)
        || groupBytes < 0 || groupBytes > (256 << 20)) {
      throw new IOException(
          "bad dictionary encoding: " + merchantCount + " merchants in " + merchantsEnd
              + " bytes, groups in " + groupBytes + " bytes");
    }
    byte[] head = new byte[merchantsEnd];
    in.readFully(head);
    VarInts dict = new VarInts(head, 0, head.length);
    long groups = dict.next();
    if (groups < 0 || groups > Integer.MAX_VALUE) {
      throw new IOException("bad group count " + groups);
    }
    int[] ids = new int[merchantCount];
    for (int i = 0; i < merchantCount; i++) {
      long len = dict.next();
      if (len < 0 || len > dict.remaining()) {
        throw new IOException("bad merchant length " + len);
      }
      int from = dict.at;
      dict.at += (int) len;
      // The byte path rows take (a merchant's bytes are looked up, decoded only when new): no
      // String per merchant and segment.
      ids[i] = merchantId(head, from, dict.at);
    }
    if (dict.remaining() != 0) {
      throw new IOException("bad merchant dictionary: " + dict.remaining() + " bytes left");
    }
    byte[] body = new byte[groupBytes];
    in.readFully(body);
    VarInts g = new VarInts(body, 0, body.length);
    for (long i = 0; i < groups; i++) {
      long m = g.next();
      if (m < 0 || m >= merchantCount) {
        throw new IOException("bad merchant index " + m);
      }
      long day = unZigZag(g.next());
      long count = g.next();
      long grossCents = unZigZag(g.next());
      long refundCents = unZigZag(g.next());
      add(ids[(int) m], day, count, grossCents, refundCents);
    }
    if (g.remaining() != 0) {
      throw new IOException("bad groups: " + g.remaining() + " bytes left");
    }
  }

  private int putVarLong(int at, long v) {
    ensure(at + 10);
    byte[] b = buffer;
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  private void ensure(int capacity) {
    if (capacity > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
    }
  }

  private static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** Variable-length integers read from a byte array. */
  private static final class VarInts {
    private final byte[] b;
    private final int end;
    private int at;

    VarInts(byte[] b, int from, int to) {
      this.b = b;
      this.at = from;
      this.end = to;
    }

    int remaining() {
      return end - at;
    }

    long next() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at >= end) {
          throw new java.io.EOFException("truncated group");
        }
        byte x = b[at++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IOException("bad variable-length integer");
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
    int[] order = sortedGroups();
    byte[][] quoted = new byte[names.length][];
    OutputStream out = new BufferedOutputStream(stream, 1 << 16);
    out.write(CSV_HEADER.getBytes(StandardCharsets.US_ASCII));
    byte[] line = new byte[128];
    for (int i : order) {
      int m = groupMerchants[i] - 1;
      if (quoted[m] == null) {
        quoted[m] = Csv.quote(names[m]).getBytes(StandardCharsets.UTF_8);
      }
      out.write(quoted[m]);
      // The date and five numbers with their commas: at most 1 + 16 + 5 * 21 + 1 ASCII bytes.
      int at = field(line, 0, LocalDate.ofEpochDay(days[i]).toString());
      at = field(line, at, Long.toString(counts[i]));
      at = field(line, at, Long.toString(gross[i]));
      at = field(line, at, Long.toString(refunds[i]));
      at = field(line, at, Long.toString(Math.subtractExact(gross[i], refunds[i])));
      line[at++] = '\n';
      out.write(line, 0, at);
    }
    out.flush();
  }

  /**
   * The slots of every group, ordered by merchant (code point order) then day. The merchants are
   * ranked once; the groups are then sorted as primitive keys (rank, day) when the days span less
   * than 2^32 (any real calendar), else with a comparator.
   */
  private int[] sortedGroups() {
    int[] slots = new int[size];
    boolean[] used = new boolean[merchantIndex.size()];
    int merchants = 0;
    long minDay = Long.MAX_VALUE;
    long maxDay = Long.MIN_VALUE;
    int k = 0;
    for (int i = 0; i < groupMerchants.length; i++) {
      if (groupMerchants[i] != 0) {
        slots[k++] = i;
        int m = groupMerchants[i] - 1;
        if (!used[m]) {
          used[m] = true;
          merchants++;
        }
        minDay = Math.min(minDay, days[i]);
        maxDay = Math.max(maxDay, days[i]);
      }
    }
    Integer[] byName = new Integer[merchants];
    for (int m = 0, r = 0; m < used.length; m++) {
      if (used[m]) {
        byName[r++] = m;
      }
    }
    Arrays.sort(byName, (a, b) -> compareCodePoints(names[a], names[b]));
    int[] rank = new int[used.length];
    for (int r = 0; r < merchants; r++) {
      rank[byName[r]] = r;
    }
    long span = maxDay - minDay; // negative when it overflows
    if (size > 0 && span >= 0 && span <= 0xFFFFFFFFL) {
      long[] keys = new long[size];
      for (int j = 0; j < size; j++) {
        int i = slots[j];
        keys[j] = ((long) rank[groupMerchants[i] - 1] << 32) | (days[i] - minDay);
      }
      Arrays.sort(keys);
      for (int j = 0; j < size; j++) {
        slots[j] = find(byName[(int) (keys[j] >>> 32)], minDay + (keys[j] & 0xFFFFFFFFL));
      }
      return slots;
    }
    Integer[] boxed = new Integer[size];
    for (int j = 0; j < size; j++) {
      boxed[j] = slots[j];
    }
    Arrays.sort(
        boxed,
        Comparator.comparingInt((Integer i) -> rank[groupMerchants[i] - 1]).thenComparingLong(i -> days[i]));
    for (int j = 0; j < size; j++) {
      slots[j] = boxed[j];
    }
    return slots;
  }

  /** The slot of group (merchant number, day), which must exist. */
  private int find(int merchant, long day) {
    int i = probe(merchant, day);
    if (groupMerchants[i] == 0) {
      throw new IllegalStateException("no group for merchant " + merchant + " on day " + day);
    }
    return i;
  }

  /** Puts a comma, then {@code ascii}, at {@code b[at]}; returns the index after them. */
  private static int field(byte[] b, int at, String ascii) {
    b[at++] = ',';
    for (int i = 0; i < ascii.length(); i++) {
      b[at++] = (byte) ascii.charAt(i);
    }
    return at;
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
