package dev.ballast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settlement job written by hand the way a user would, in one thread: a {@link
 * BufferedReader} line by line, a regular expression per row, {@link BigDecimal} amounts and
 * {@code java.time} timestamps, a {@link HashMap} of totals sorted at the end. It is the benchmark's reference: not
 * tuned, and sharing no code with the Ballast engine.
 *
 * <p>It writes {@code settlement.csv} and {@code rejects.jsonl} (no manifest). {@link
 * BufferedReader#readLine()} also ends a line at a lone CR, where the contract keeps the CR as
 * content; generated inputs never hold one.
 */
public final class ReferenceJob {
  private static final String FIELD = "(?:\"(?:[^\"]|\"\")*+\"|[^\",]*+)";
  private static final Pattern ROW = Pattern.compile(FIELD + "(?:," + FIELD + ")*+");
  private static final Pattern CELL = Pattern.compile("\\G(?:\"((?:[^\"]|\"\")*+)\"|([^\",]*+))(,|$)");
  private static final Pattern AMOUNT = Pattern.compile("[0-9]+(\\.[0-9]{1,2})?");
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
  private static final Set<String> STATUSES = Set.of("SETTLED", "REFUNDED", "PENDING");
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  /** The default rate table of the settlement job type, USD per unit. */
  public static final Map<String, BigDecimal> DEFAULT_RATES =
      Map.of(
          "USD", new BigDecimal("1"),
          "EUR", new BigDecimal("1.08"),
          "GBP", new BigDecimal("1.27"),
          "JPY", new BigDecimal("0.0067"));

  private final Map<String, BigDecimal> rates;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Map<LocalDate, long[]>> totals = new HashMap<>();
  private long rows;
  private long accepted;
  private long pending;
  private long rejected;

  public ReferenceJob(Map<String, BigDecimal> rates) {
    this.rates = rates;
  }

  /** Usage: {@code ReferenceJob OUTPUT_DIR INPUT...}; prints the counts. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ReferenceJob OUTPUT_DIR INPUT...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    ReferenceJob job = new ReferenceJob(DEFAULT_RATES);
    long[] counts = job.run(inputs, Path.of(args[0]));
    System.out.printf(
        "rows %d accepted %d pending %d rejected %d%n", counts[0], counts[1], counts[2], counts[3]);
  }

  /**
   * Reads {@code inputs} in order and writes {@code settlement.csv} and {@code rejects.jsonl}
   * into {@code outputDir}.
   *
   * @return rows, accepted, pending, rejected
   */
  public long[] run(List<Path> inputs, Path outputDir) throws IOException {
    Files.createDirectories(outputDir);
    try (Writer rejects =
        Files.newBufferedWriter(outputDir.resolve("rejects.jsonl"), StandardCharsets.UTF_8)) {
      for (Path input : inputs) {
        readFile(input, rejects);
      }
    }
    writeSettlement(outputDir.resolve("settlement.csv"));
    return new long[] {rows, accepted, pending, rejected};
  }

  private void readFile(Path input, Writer rejects) throws IOException {
    String name = input.getFileName().toString();
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      String headerLine = reader.readLine();
      if (headerLine == null) {
        throw new IOException(name + " is empty");
      }
      if (headerLine.startsWith("\uFEFF")) {
        headerLine = headerLine.substring(1);
      }
      List<String> header = split(headerLine);
      if (header == null) {
        throw new IOException(name + " has a malformed header");
      }
      int txnId = indexOf(header, "txn_id", name);
      int merchantId = indexOf(header, "merchant_id", name);
      int amountAt = indexOf(header, "amount", name);
      int currencyAt = indexOf(header, "currency", name);
      int statusAt = indexOf(header, "status", name);
      int createdAt = indexOf(header, "created_at", name);

      long lineNumber = 1;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isEmpty()) {
          continue;
        }
        rows++;
        List<String> fields = split(line);
        if (fields == null) {
          reject(rejects, name, lineNumber, "BAD_QUOTING", line);
          continue;
        }
        if (fields.size() != header.size()) {
          reject(rejects, name, lineNumber, "FIELD_COUNT", line);
          continue;
        }
        String merchant = fields.get(merchantId);
        if (fields.get(txnId).isEmpty() || merchant.isEmpty()) {
          reject(rejects, name, lineNumber, "MISSING_FIELD", line);
          continue;
        }
        String amountText = fields.get(amountAt);
        BigDecimal amount = AMOUNT.matcher(amountText).matches() ? new BigDecimal(amountText) : null;
        if (amount == null
            || amount.signum() == 0
            || amount.movePointRight(2).compareTo(MAX_LONG) > 0) {
          reject(rejects, name, lineNumber, "BAD_AMOUNT", line);
          continue;
        }
        BigDecimal rate = rates.get(fields.get(currencyAt));
        if (rate == null) {
          reject(rejects, name, lineNumber, "BAD_CURRENCY", line);
          continue;
        }
        BigDecimal cents = amount.multiply(rate).movePointRight(2).setScale(0, RoundingMode.HALF_EVEN);
        if (cents.compareTo(MAX_LONG) > 0) {
          reject(rejects, name, lineNumber, "BAD_AMOUNT", line);
          continue;
        }
        String status = fields.get(statusAt);
        if (!STATUSES.contains(status)) {
          reject(rejects, name, lineNumber, "BAD_STATUS", line);
          continue;
        }
        LocalDate date = utcDate(fields.get(createdAt));
        if (date == null) {
          reject(rejects, name, lineNumber, "BAD_TIMESTAMP", line);
          continue;
        }
        if (status.equals("PENDING")) {
          pending++;
          continue;
        }
        accepted++;
        long[] t = totals.computeIfAbsent(merchant, m -> new HashMap<>()).computeIfAbsent(date, d -> new long[3]);
        t[0]++;
        if (status.equals("SETTLED")) {
          t[1] = Math.addExact(t[1], cents.longValueExact());
        } else {
          t[2] = Math.addExact(t[2], cents.longValueExact());
        }
      }
    }
  }

  private void writeSettlement(Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n");
      List<String> merchants = new ArrayList<>(totals.keySet());
      merchants.sort(ReferenceJob::byCodePoint);
      for (String merchant : merchants) {
        Map<LocalDate, long[]> byDate = new TreeMap<>(totals.get(merchant));
        String shown = merchant;
        if (merchant.contains(",") || merchant.contains("\"") || merchant.contains("\n") || merchant.contains("\r")) {
          shown = "\"" + merchant.replace("\"", "\"\"") + "\"";
        }
        for (Map.Entry<LocalDate, long[]> d : byDate.entrySet()) {
          long[] t = d.getValue();
          out.write(shown + "," + d.getKey() + "," + t[0] + "," + t[1] + "," + t[2] + "," + (t[1] - t[2]) + "\n");
        }
      }
    }
  }

  private void reject(Writer out, String file, long line, String reason, String raw) throws IOException {
    rejected++;
    ObjectNode node = json.createObjectNode();
    node.put("file", file);
    node.put("line", line);
    node.put("reason", reason);
    node.put("raw", raw);
    out.write(json.writeValueAsString(node));
    out.write('\n');
  }

  /** The unquoted fields of a CSV line, or null when its quoting is broken. */
  private static List<String> split(String line) {
    if (!ROW.matcher(line).matches()) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    Matcher m = CELL.matcher(line);
    while (m.find()) {
      fields.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
      if (m.group(3).isEmpty()) {
        break;
      }
    }
    return fields;
  }

  private static int indexOf(List<String> header, String column, String file) throws IOException {
    int i = header.indexOf(column);
    if (i < 0) {
      throw new IOException(file + " has no column " + column);
    }
    return i;
  }

  private static LocalDate utcDate(String text) {
    if (!TIMESTAMP.matcher(text).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .toLocalDate();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int byCodePoint(String a, String b) {
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }
}
