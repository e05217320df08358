package dev.ballast.jobs.settlement;

import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.ExceptionPolicy;
import dev.ballast.job.JobType;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.source.CsvSplitter;
import dev.ballast.job.source.Excerpt;
import dev.ballast.job.source.Line;
import dev.ballast.job.source.LineSource;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in {@code settlement} job: converts SETTLED and REFUNDED transactions to US cents and
 * totals them by merchant and UTC date.
 *
 * <p>Parameters: {@link SettlementParameters}, only {@code rates}.
 *
 * <p>The header must name {@code txn_id, merchant_id, amount, currency, status, created_at} in
 * any order (case-sensitive, not trimmed, RFC 4180 quoting allowed); extra columns are ignored and
 * when a name repeats its first column counts. See {@link SettlementRows} for the row rules.
 *
 * <p>It runs on the generic record engine like any other job type: its source is a {@link
 * LineSource} (raw lines as bytes), its processor {@link SettlementRows} (the row rules, parsed
 * over bytes), its accumulator {@link Aggregates} (totals by merchant and date), its output
 * {@value #OUTPUT}.
 */
public class SettlementJobType implements JobType<SettlementParameters, Line, Aggregates> {
  public static final String NAME = "settlement";

  /** The job's output beside {@code rejects.jsonl}. */
  public static final String OUTPUT = "settlement.csv";

  /** The required columns, in their canonical order. */
  public static final List<String> REQUIRED_COLUMNS =
      List.of("txn_id", "merchant_id", "amount", "currency", "status", "created_at");

  /** Default rates, USD per unit. */
  public static final Map<String, BigDecimal> DEFAULT_RATES =
      Collections.unmodifiableMap(
          new TreeMap<>(
              Map.of(
                  "USD", new BigDecimal("1"),
                  "EUR", new BigDecimal("1.08"),
                  "GBP", new BigDecimal("1.27"),
                  "JPY", new BigDecimal("0.0067"))));

  /**
   * Where the required columns are in one input file.
   *
   * @param fieldCount number of fields in the header, which every row must have
   */
  public record Columns(
      int fieldCount, int txnId, int merchantId, int amount, int currency, int status, int createdAt) {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A total that does not fit a 64-bit number of cents (more than 92 quadrillion USD in one
   * group; {@link Aggregates} adds with {@link Math#addExact}) fails the job at once: retrying
   * cannot help.
   */
  @Override
  public ExceptionPolicy exceptions() {
    return ExceptionPolicy.none().fail(ArithmeticException.class, "OVERFLOW");
  }

  @Override
  public String description() {
    return "per-merchant, per-day settlement totals in US cents from transaction CSV files,"
        + " with a rejects file";
  }

  @Override
  public Class<SettlementParameters> parameters() {
    return SettlementParameters.class;
  }

  @Override
  public void checkHeader(String fileName, String headerLine, SettlementParameters parameters) {
    columns(fileName, headerLine);
  }

  /**
   * Maps the required columns of a header line (decoded, BOM and line ending removed).
   *
   * @throws IllegalArgumentException when the header is malformed or lacks a required column
   */
  public Columns columns(String fileName, String headerLine) {
    byte[] b = headerLine.getBytes(StandardCharsets.UTF_8);
    CsvSplitter splitter = new CsvSplitter();
    int n = splitter.split(b, 0, b.length);
    if (n < 0) {
      throw new IllegalArgumentException(
          "input " + fileName + " has a malformed header (bad RFC 4180 quoting): " + Excerpt.of(headerLine));
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(splitter.value(b, i));
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (String column : REQUIRED_COLUMNS) {
      int at = names.indexOf(column);
      if (at < 0) {
        throw new IllegalArgumentException(
            "input "
                + fileName
                + " lacks required column '"
                + column
                + "' (found: "
                + Excerpt.ofNames(names)
                + ")");
      }
      index.put(column, at);
    }
    return new Columns(
        n,
        index.get("txn_id"),
        index.get("merchant_id"),
        index.get("amount"),
        index.get("currency"),
        index.get("status"),
        index.get("created_at"));
  }

  @Override
  public RecordSource<Line> open(Path file, Cursor from, long end, ChunkContext<SettlementParameters> chunk)
      throws IOException {
    return LineSource.open(file, from, end);
  }

  /** The row rules for one chunk, with the job's rates and the columns of the chunk's file. */
  @Override
  public RecordProcessor<Line, Aggregates> processor(ChunkContext<SettlementParameters> chunk) {
    return new SettlementRows(chunk.parameters().rates(), columns(chunk.fileName(), chunk.header()));
  }

  @Override
  public Aggregates newAccumulator(SettlementParameters parameters) {
    return new Aggregates();
  }

  @Override
  public List<String> outputNames() {
    return List.of(OUTPUT);
  }

  @Override
  public void writeOutput(String name, Aggregates total, SettlementParameters parameters, OutputStream out)
      throws IOException {
    total.writeCsv(out);
  }
}
