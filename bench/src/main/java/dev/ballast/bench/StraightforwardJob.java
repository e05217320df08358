package dev.ballast.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settlement job as a competent engineer writes it by hand in plain Java, one thread, without
 * tuning tricks: a {@link BufferedReader} line by line, a hand-written RFC 4180 split, a cheap check
 * of each field's shape before {@link BigDecimal} and {@link OffsetDateTime#parse} see it, a {@link
 * HashMap} of totals keyed by (merchant, date) sorted at the end, and one streaming JSON generator
 * for the rejects. It is the benchmark's honest baseline ({@link ReferenceJob} is the naive one:
 * a regular expression per row and per field, a Jackson tree per reject).
 *
 * <p>Same contract and same outputs ({@code settlement.csv}, {@code rejects.jsonl}) as {@link
 * ReferenceJob}; shares no code with it or with the engine.
 */
public final class StraightforwardJob {
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  private record Group(String merchant, LocalDate date) {}

  private final Map<String, BigDecimal> rates;
  private final Map<Group, long[]> totals = new HashMap<>();
  private final List<String> fields = new ArrayList<>();
  private final StringBuilder field = new StringBuilder();
  private long rows;
  private long accepted;
  private long pending;
  private long rejected;

  public StraightforwardJob(Map<String, BigDecimal> rates) {
    this.rates = rates;
  }

  /** Usage: {@code StraightforwardJob OUTPUT_DIR INPUT...}; prints the counts. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: StraightforwardJob OUTPUT_DIR INPUT...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    long[] counts = new StraightforwardJob(ReferenceJob.DEFAULT_RATES).run(inputs, Path.of(args[0]));
    System.out.printf(
        "rows %d accepted %d pending %d rejected %d%n", counts[0], counts[1], counts[2], counts[3]);
  }

  /**
   * Reads {@code inputs} in order and writes {@code settlement.csv} and {@code rejects.jsonl} into
   * {@code outputDir}.
   *
   * @return rows, accepted, pending, rejected
   */
  public long[] run(List<Path> inputs, Path outputDir) throws IOException {
    Files.createDirectories(outputDir);
    try (Writer out =
            Files.newBufferedWriter(outputDir.resolve("rejects.jsonl"), StandardCharsets.UTF_8);
        JsonGenerator rejects = new JsonFactory().createGenerator(out)) {
      rejects.setRootValueSeparator(new SerializedString("\n"));
      for (Path input : inputs) {
        readFile(input, rejects);
      }
      if (rejected > 0) {
        rejects.writeRaw('\n');
      }
    }
    writeSettlement(outputDir.resolve("settlement.csv"));
    return new long[] {rows, accepted, pending, rejected};
  }

  private void readFile(Path input, JsonGenerator rejects) throws IOException {
    String name = input.getFileName().toString();
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      String headerLine = reader.readLine();
      if (headerLine == null) {
        throw new IOException(name + " is empty");
      }
      if (headerLine.startsWith("\uFEFF")) {
        headerLine = headerLine.substring(1);
      }
      if (!split(headerLine)) {
        throw new IOException(name + " has a malformed header");
      }
      List<String> header = List.copyOf(fields);
      int txnAt = column(header, "txn_id", name);
      int merchantAt = column(header, "merchant_id", name);
      int amountAt = column(header, "amount", name);
      int currencyAt = column(header, "currency", name);
      int statusAt = column(header, "status", name);
      int createdAt = column(header, "created_at", name);

      long lineNumber = 1;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isEmpty()) {
          continue;
        }
        rows++;
        String reason = settle(line, header.size(), txnAt, merchantAt, amountAt, currencyAt, statusAt, createdAt);
        if (reason != null) {
          rejected++;
          rejects.writeStartObject();
          rejects.writeStringField("file", name);
          rejects.writeNumberField("line", lineNumber);
          rejects.writeStringField("reason", reason);
          rejects.writeStringField("raw", line);
          rejects.writeEndObject();
        }
      }
    }
  }

  /** Adds the row to the totals (or counts it pending); returns the reject reason, else null. */
  private String settle(
      String line, int width, int txnAt, int merchantAt, int amountAt, int currencyAt,
      int statusAt, int createdAt) {
    if (!split(line)) {
      return "BAD_QUOTING";
    }
    if (fields.size() != width) {
      return "FIELD_COUNT";
    }
    String merchant = fields.get(merchantAt);
    if (fields.get(txnAt).isEmpty() || merchant.isEmpty()) {
      return "MISSING_FIELD";
    }
    String amountText = fields.get(amountAt);
    if (!looksLikeAmount(amountText)) {
      return "BAD_AMOUNT";
    }
    BigDecimal amount = new BigDecimal(amountText);
    if (amount.signum() == 0 || amount.movePointRight(2).compareTo(MAX_LONG) > 0) {
      return "BAD_AMOUNT";
    }
    BigDecimal rate = rates.get(fields.get(currencyAt));
    if (rate == null) {
      return "BAD_CURRENCY";
    }
    BigDecimal cents = amount.multiply(rate).movePointRight(2).setScale(0, RoundingMode.HALF_EVEN);
    if (cents.compareTo(MAX_LONG) > 0) {
      return "BAD_AMOUNT";
    }
    String status = fields.get(statusAt);
    boolean refund;
    switch (status) {
      case "SETTLED" -> refund = false;
      case "REFUNDED" -> refund = true;
      case "PENDING" -> refund = false;
      default -> {
        return "BAD_STATUS";
      }
    }
    LocalDate date = utcDate(fields.get(createdAt));
    if (date == null) {
      return "BAD_TIMESTAMP";
    }
    if (status.equals("PENDING")) {
      pending++;
      return null;
    }
    accepted++;
    long[] t = totals.computeIfAbsent(new Group(merchant, date), g -> new long[3]);
    t[0]++;
    t[refund ? 2 : 1] = Math.addExact(t[refund ? 2 : 1], cents.longValueExact());
    return null;
  }

  /**
   * Splits {@code line} into {@link #fields}: a field is either quoted ({@code ""} inside stands
   * for a quote, and a comma or the end must follow the closing quote) or holds no quote at all.
   * Returns false when the quoting is broken.
   */
  private boolean split(String line) {
    fields.clear();
    int n = line.length();
    int i = 0;
    while (true) {
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            return false; // unterminated
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < n && line.charAt(i) != ',') {
          return false; // text after the closing quote
        }
      } else {
        int start = i;
        while (i < n && line.charAt(i) != ',') {
          if (line.charAt(i) == '"') {
            return false; // a quote inside an unquoted field
          }
          i++;
        }
        field.append(line, start, i);
      }
      fields.add(field.toString());
      if (i >= n) {
        return true;
      }
      i++; // the comma
    }
  }

  /** Digits, optionally a point and one or two digits. */
  private static boolean looksLikeAmount(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    if (i == n) {
      return true;
    }
    if (s.charAt(i) != '.') {
      return false;
    }
    int decimals = n - i - 1;
    if (decimals < 1 || decimals > 2) {
      return false;
    }
    for (int j = i + 1; j < n; j++) {
      if (!isDigit(s.charAt(j))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The UTC date of a timestamp shaped {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)}, or null
   * when it has another shape or is not a valid time.
   */
  private static LocalDate utcDate(String s) {
    if (!looksLikeTimestamp(s)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .toLocalDate();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean looksLikeTimestamp(String s) {
    int n = s.length();
    if (n < 20 || !digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 7) || s.charAt(7) != '-'
        || !digits(s, 8, 10) || s.charAt(10) != 'T' || !digits(s, 11, 13) || s.charAt(13) != ':'
        || !digits(s, 14, 16) || s.charAt(16) != ':' || !digits(s, 17, 19)) {
      return false;
    }
    int i = 19;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i - start < 1 || i - start > 9) {
        return false;
      }
    }
    if (i == n - 1) {
      return s.charAt(i) == 'Z';
    }
    return i == n - 6
        && (s.charAt(i) == '+' || s.charAt(i) == '-')
        && digits(s, i + 1, i + 3)
        && s.charAt(i + 3) == ':'
        && digits(s, i + 4, i + 6);
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int column(List<String> header, String column, String file) throws IOException {
    int i = header.indexOf(column);
    if (i < 0) {
      throw new IOException(file + " has no column " + column);
    }
    return i;
  }

  private void writeSettlement(Path file) throws IOException {
    List<Map.Entry<Group, long[]>> groups = new ArrayList<>(totals.entrySet());
    groups.sort(
        Comparator.comparing(
                (Map.Entry<Group, long[]> e) -> e.getKey().merchant(),
                StraightforwardJob::byCodePoint)
            .thenComparing(e -> e.getKey().date()));
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n");
      for (Map.Entry<Group, long[]> e : groups) {
        String merchant = e.getKey().merchant();
        if (merchant.indexOf(',') >= 0 || merchant.indexOf('"') >= 0
            || merchant.indexOf('\n') >= 0 || merchant.indexOf('\r') >= 0) {
          merchant = '"' + merchant.replace("\"", "\"\"") + '"';
        }
        long[] t = e.getValue();
        out.write(merchant);
        out.write(',');
        out.write(e.getKey().date().toString());
        out.write(',');
        out.write(Long.toString(t[0]));
        out.write(',');
        out.write(Long.toString(t[1]));
        out.write(',');
        out.write(Long.toString(t[2]));
        out.write(',');
        out.write(Long.toString(Math.subtractExact(t[1], t[2])));
        out.write('\n');
      }
    }
  }

  /** Orders by Unicode code point (String.compareTo orders by UTF-16 unit). */
  private static int byCodePoint(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
