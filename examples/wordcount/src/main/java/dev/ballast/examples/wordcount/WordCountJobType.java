package dev.ballast.examples.wordcount;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.JobType;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.CsvRow;
import dev.ballast.job.source.CsvSource;
import dev.ballast.job.source.Excerpt;
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
 * <p>A row whose field count differs from the header's is rejected with {@code FIELD_COUNT}, a
 * row with an empty text is skipped, any other row is accepted and its words (runs of letters and
 * digits, lower-cased) counted. Output: {@code wordcount.csv}, {@code word,count}, most frequent
 * first, ties by word.
 */
public class WordCountJobType implements JobType<WordCountJobType.Params, CsvRow, WordCounts> {
  public static final String NAME = "wordcount";
  public static final String OUTPUT = "wordcount.csv";

  /** The parameters, bound from the spec's {@code parameters} and checked before the job starts. */
  public record Params(
      @JsonProperty(defaultValue = "text") @JsonPropertyDescription("the column whose words are counted")
          String column,
      @JsonProperty(defaultValue = "1") @JsonPropertyDescription("shorter words are not counted")
          int minLength) {
    public Params {
      if (minLength < 1) {
        throw new IllegalArgumentException("wordcount parameter 'minLength' must be at least 1, not " + minLength);
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "counts the words of one CSV column (example job of docs/write-your-own-job.md)";
  }

  @Override
  public Class<Params> parameters() {
    return Params.class;
  }

  @Override
  public void checkHeader(String fileName, String headerLine, Params parameters) {
    column(fileName, headerLine, parameters);
  }

  /** Where the counted column is in {@code headerLine}. */
  private static int column(String fileName, String headerLine, Params parameters) {
    List<String> header = Csv.split(headerLine);
    if (header == null) {
      throw new IllegalArgumentException("input " + fileName + " has a malformed header: " + Excerpt.of(headerLine));
    }
    int at = header.indexOf(parameters.column());
    if (at < 0) {
      throw new IllegalArgumentException(
          "input " + fileName + " lacks column '" + parameters.column() + "' (found: " + Excerpt.ofNames(header) + ")");
    }
    return at;
  }

  @Override
  public RecordSource<CsvRow> open(Path file, Cursor from, long end, ChunkContext<Params> chunk) throws IOException {
    return CsvSource.open(file, from, end, chunk.header());
  }

  @Override
  public RecordProcessor<CsvRow, WordCounts> processor(ChunkContext<Params> chunk) {
    int at = column(chunk.fileName(), chunk.header(), chunk.parameters());
    int minLength = chunk.parameters().minLength();
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
  public WordCounts newAccumulator(Params parameters) {
    return new WordCounts();
  }

  @Override
  public List<String> outputNames() {
    return List.of(OUTPUT);
  }

  @Override
  public void writeOutput(String name, WordCounts total, Params parameters, OutputStream out) throws IOException {
    StringBuilder csv = new StringBuilder("word,count\n");
    total.counts().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> csv.append(Csv.quote(e.getKey())).append(',').append(e.getValue()).append('\n'));
    out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
  }
}
