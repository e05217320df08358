package dev.ballast.examples.wordcount;

import dev.ballast.job.Parameter;
import dev.ballast.job.Parameter.Type;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.CsvRow;
import dev.ballast.job.source.CsvSource;
import dev.ballast.job.source.Excerpt;
import dev.ballast.job.Cursor;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordContext;
import dev.ballast.job.RecordJobType;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import java.io.DataInput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The example job of docs/write-your-own-job.md: counts the words of one column of CSV files.
 *
 * <p>Parameters: {@code column} (default {@code text}), {@code minLength} (words shorter are not
 * counted, default 1). A row whose field count differs from the header's is rejected with {@code
 * FIELD_COUNT}, a row with an empty text is skipped, any other row is accepted and its words
 * (runs of letters and digits, lower-cased) counted. Output: {@code wordcount.csv}, {@code
 * word,count}, most frequent first, ties by word.
 */
public class WordCountJobType implements RecordJobType<CsvRow, WordCounts> {
  public static final String NAME = "wordcount";
  public static final String OUTPUT = "wordcount.csv";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "counts the words of one CSV column (example job of docs/write-your-own-job.md)";
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(
        Parameter.optional("column", Type.STRING, "text", "the column whose words are counted"),
        Parameter.optional("minLength", Type.INTEGER, 1, "shorter words are not counted"));
  }

  @Override
  public void checkHeader(String fileName, String headerLine, Map<String, Object> parameters) {
    column(fileName, headerLine, parameters);
  }

  /** Where the counted column is in {@code headerLine}. */
  private static int column(String fileName, String headerLine, Map<String, Object> parameters) {
    List<String> header = Csv.split(headerLine);
    if (header == null) {
      throw new IllegalArgumentException("input " + fileName + " has a malformed header: " + Excerpt.of(headerLine));
    }
    String column = (String) parameters.get("column");
    int at = header.indexOf(column);
    if (at < 0) {
      throw new IllegalArgumentException(
          "input " + fileName + " lacks column '" + column + "' (found: " + Excerpt.ofNames(header) + ")");
    }
    return at;
  }

  @Override
  public RecordSource<CsvRow> open(Path file, Cursor from, long end, RecordContext context)
      throws IOException {
    return CsvSource.open(file, from, end, context.header());
  }

  @Override
  public RecordProcessor<CsvRow, WordCounts> processor(RecordContext context) {
    int minLength = ((Number) context.parameters().get("minLength")).intValue();
    int at = column(context.fileName(), context.header(), context.parameters());
    return (record, into) -> {
      CsvRow row = record.value();
      if (!row.wellFormed()) {
        return Outcome.reject(row.fields() == null ? "BAD_QUOTING" : "FIELD_COUNT");
      }
      String text = row.get(at);
      if (text.isBlank()) {
        return Outcome.skip();
      }
      for (String word : words(text)) {
        if (word.length() >= minLength) {
          into.add(word, 1);
        }
      }
      return Outcome.accept();
    };
  }

  /** The words of {@code text}: runs of letters and digits, lower-cased. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c)) {
        word.appendCodePoint(c);
      } else if (word.length() > 0) {
        words.add(word.toString().toLowerCase(Locale.ROOT));
        word.setLength(0);
      }
    });
    if (word.length() > 0) {
      words.add(word.toString().toLowerCase(Locale.ROOT));
    }
    return words;
  }

  @Override
  public WordCounts newAccumulator(Map<String, Object> parameters) {
    return new WordCounts();
  }

  @Override
  public WordCounts readAccumulator(DataInput in, Map<String, Object> parameters) throws IOException {
    return WordCounts.readFrom(in);
  }

  @Override
  public List<String> outputNames() {
    return List.of(OUTPUT);
  }

  @Override
  public void writeOutput(String name, WordCounts total, Map<String, Object> parameters, OutputStream out)
      throws IOException {
    StringBuilder csv = new StringBuilder("word,count\n");
    total.counts().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> csv.append(Csv.quote(e.getKey())).append(',').append(e.getValue()).append('\n'));
    out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
  }
}
