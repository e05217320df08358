package dev.ballast.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A straightforward, independent implementation of the settlement contract (BufferedReader,
 * regex, BigDecimal, java.time), used by tests to check the engine's outputs byte for byte.
 *
 * <p>It shares no code with the engine: the whole file is decoded as one string, split at LF,
 * fields are matched by regular expressions, amounts are BigDecimals and timestamps are parsed by
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} (strict) after a shape check.
 */
public final class ReferenceSettlement {
  private static final String FIELD = "(?:\"(?:[^\"]|\"\")*+\"|[^\",]*+)";
  private static final Pattern LINE = Pattern.compile(FIELD + "(?:," + FIELD + ")*+");
  private static final Pattern NEXT_FIELD =
      Pattern.compile("\\G(?:\"((?:[^\"]|\"\")*+)\"|([^\",]*+))(,|\\z)");
  private static final Pattern AMOUNT = Pattern.compile("[0-9]+(\\.[0-9]{1,2})?");
  private static final Pattern TIMESTAMP =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})");
  private static final Set<String> STATUSES = Set.of("SETTLED", "REFUNDED", "PENDING");
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReferenceSettlement() {}

  /** The expected outputs of a settlement job. */
  public record Result(
      String settlementCsv, String rejectsJsonl, long rows, long accepted, long pending, long rejected) {}

  /** Computes the outputs for {@code files} (in job order) with the given rate table. */
  public static Result compute(List<Path> files, Map<String, BigDecimal> rates) throws IOException {
    Comparator<String> byCodePoint = Comparator.comparing(s -> s.codePoints().toArray(), Arrays::compare);
    TreeMap<String, TreeMap<LocalDate, long[]>> groups = new TreeMap<>(byCodePoint);
    StringBuilder rejects = new StringBuilder();
    long rows = 0;
    long accepted = 0;
    long pending = 0;
    long rejected = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      List<String> lines = physicalLines(text);
      List<String> header = fields(lines.isEmpty() ? "" : lines.get(0));
      if (header == null) {
        throw new IllegalArgumentException("malformed header in " + name);
      }
      int txn = column(header, "txn_id", name);
      int merchant = column(header, "merchant_id", name);
      int amountCol = column(header, "amount", name);
      int currency = column(header, "currency", name);
      int status = column(header, "status", name);
      int created = column(header, "created_at", name);
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        long lineNumber = i + 1;
        if (line.isEmpty()) {
          continue;
        }
        rows++;
        String reason = null;
        List<String> f = fields(line);
        BigDecimal cents = null;
        LocalDate date = null;
        if (f == null) {
          reason = "BAD_QUOTING";
        } else if (f.size() != header.size()) {
          reason = "FIELD_COUNT";
        } else if (f.get(txn).isEmpty() || f.get(merchant).isEmpty()) {
          reason = "MISSING_FIELD";
        } else {
          String amountText = f.get(amountCol);
          BigDecimal amount = AMOUNT.matcher(amountText).matches() ? new BigDecimal(amountText) : null;
          BigDecimal rate = rates.get(f.get(currency));
          if (amount != null && rate != null) {
            cents = amount.multiply(rate).movePointRight(2).setScale(0, RoundingMode.HALF_EVEN);
          }
          if (amount == null
              || amount.signum() == 0
              || amount.movePointRight(2).compareTo(LONG_MAX) > 0
              || (cents != null && cents.compareTo(LONG_MAX) > 0)) {
            reason = "BAD_AMOUNT";
          } else if (rate == null) {
            reason = "BAD_CURRENCY";
          } else if (!STATUSES.contains(f.get(status))) {
            reason = "BAD_STATUS";
          } else {
            date = utcDate(f.get(created));
            if (date == null) {
              reason = "BAD_TIMESTAMP";
            }
          }
        }
        if (reason != null) {
          rejected++;
          ObjectNode node = JSON.createObjectNode();
          node.put("file", name);
          node.put("line", lineNumber);
          node.put("reason", reason);
          node.put("raw", line);
          rejects.append(JSON.writeValueAsString(node)).append('\n');
          continue;
        }
        if (f.get(status).equals("PENDING")) {
          pending++;
          continue;
        }
        accepted++;
        long[] totals =
            groups.computeIfAbsent(f.get(merchant), k -> new TreeMap<>())
                .computeIfAbsent(date, k -> new long[3]);
        totals[0]++;
        if (f.get(status).equals("SETTLED")) {
          totals[1] += cents.longValueExact();
        } else {
          totals[2] += cents.longValueExact();
        }
      }
    }
    StringBuilder csv =
        new StringBuilder("merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n");
    groups.forEach(
        (merchant, byDate) ->
            byDate.forEach(
                (date, t) -> {
                  boolean quote =
                      merchant.contains(",")
                          || merchant.contains("\"")
                          || merchant.contains("\r")
                          || merchant.contains("\n");
                  csv.append(quote ? "\"" + merchant.replace("\"", "\"\"") + "\"" : merchant)
                      .append(',')
                      .append(date)
                      .append(',')
                      .append(t[0])
                      .append(',')
                      .append(t[1])
                      .append(',')
                      .append(t[2])
                      .append(',')
                      .append(t[1] - t[2])
                      .append('\n');
                }));
    return new Result(csv.toString(), rejects.toString(), rows, accepted, pending, rejected);
  }

  /** Lines split at LF; a CR right before an LF is dropped; no empty piece after a final LF. */
  private static List<String> physicalLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int lf = text.indexOf('\n', start);
      if (lf < 0) {
        lines.add(text.substring(start));
        break;
      }
      int end = lf > start && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;
      lines.add(text.substring(start, end));
      start = lf + 1;
    }
    return lines;
  }

  /** The unescaped fields of a line, or null when it is not valid RFC 4180. */
  private static List<String> fields(String line) {
    if (!LINE.matcher(line).matches()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    Matcher m = NEXT_FIELD.matcher(line);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
      if (m.group(3).isEmpty()) {
        break;
      }
    }
    return out;
  }

  private static int column(List<String> header, String name, String file) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(file + " lacks " + name);
    }
    return i;
  }

  public static LocalDate utcDate(String value) {
    if (!TIMESTAMP.matcher(value).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .toLocalDate();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
