package dev.ballast.examples.jsonlines;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.JobType;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.CsvRow;
import dev.ballast.job.source.CsvSource;
import dev.ballast.job.source.Excerpt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sink example of docs/write-your-own-job.md: writes the rows of CSV files as JSON lines, one
 * directory per value of a key column.
 *
 * <p>A row whose quoting is invalid is rejected with {@code BAD_QUOTING}, one whose field count
 * differs from the header's with {@code FIELD_COUNT}, one whose key is empty or blank with {@code
 * MISSING_KEY}, one whose key is too long for a file name ({@link KeyDirectory#MAX_ENCODED_KEY}
 * characters once encoded) with {@code KEY_TOO_LONG}. Every other row is accepted: its {@code
 * columns} (all of the header's by default) are written as one JSON object of strings, in column
 * order, to {@code directory/KEY/JOB-CHUNK-START.jsonl} by the job's {@link Sink}, a file per key
 * and segment (see {@link KeyDirectory}). The accumulator counts rows per key; output: {@code
 * keys.csv}, {@code key,rows}, sorted by key.
 *
 * <p>The directory, not the engine's checkpoints, says which segments are written: {@link
 * #lostSegments} reports a segment whose marker or any of whose files is missing or has another
 * size, and the engine writes it again.
 */
public class SplitByKeyJobType implements JobType<SplitByKeyJobType.Params, CsvRow, KeyCounts> {
  public static final String NAME = "split-by-key";
  public static final String OUTPUT = "keys.csv";

  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /** The parameters, bound from the spec's {@code parameters} and checked before the job starts. */
  public record Params(
      @JsonProperty(required = true) @JsonPropertyDescription("the column whose value names a row's directory")
          String key,
      @JsonProperty(required = true)
          @JsonPropertyDescription("absolute path of the directory the key directories are written under")
          String directory,
      @JsonPropertyDescription("the columns written to each JSON line (default: every column of the header)")
          List<String> columns) {
    public Params {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("split-by-key parameter 'key' must name a column");
      }
      if (directory == null || directory.isBlank() || !Path.of(directory).isAbsolute()) {
        throw new IllegalArgumentException(
            "split-by-key parameter 'directory' must be an absolute path, not '" + directory + "'");
      }
      if (columns != null && columns.isEmpty()) {
        throw new IllegalArgumentException(
            "split-by-key parameter 'columns' names no column (leave it out to write every column)");
      }
      columns = columns == null ? null : List.copyOf(columns);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "writes CSV rows as JSON lines, one directory per key (sink example of docs/write-your-own-job.md)";
  }

  @Override
  public Class<Params> parameters() {
    return Params.class;
  }

  /** Where the key and the written columns are in one file's header. */
  private record Layout(int keyAt, List<String> names, int[] at) {}

  @Override
  public void checkHeader(String fileName, String headerLine, Params parameters) {
    layout(fileName, headerLine, parameters);
  }

  private static Layout layout(String fileName, String headerLine, Params p) {
    List<String> header = Csv.split(headerLine);
    if (header == null) {
      throw new IllegalArgumentException("input " + fileName + " has a malformed header: " + Excerpt.of(headerLine));
    }
    List<String> names = p.columns() == null ? header : p.columns();
    Set<String> wanted = new LinkedHashSet<>();
    wanted.add(p.key());
    wanted.addAll(names);
    for (String column : wanted) {
      if (!header.contains(column)) {
        throw new IllegalArgumentException(
            "input " + fileName + " lacks column '" + column + "' (found: " + Excerpt.ofNames(header) + ")");
      }
    }
    int[] at = names.stream().mapToInt(header::indexOf).toArray();
    return new Layout(header.indexOf(p.key()), List.copyOf(names), at);
  }

  @Override
  public RecordSource<CsvRow> open(Path file, Cursor from, long end, ChunkContext<Params> chunk) throws IOException {
    return CsvSource.open(file, from, end, chunk.header());
  }

  @Override
  public RecordProcessor<CsvRow, KeyCounts> processor(ChunkContext<Params> chunk) {
    int keyAt = layout(chunk.fileName(), chunk.header(), chunk.parameters()).keyAt();
    return (record, into) -> {
      CsvRow row = record.value();
      if (!row.wellFormed()) {
        return Outcome.reject(row.fields() == null ? "BAD_QUOTING" : "FIELD_COUNT");
      }
      String key = row.get(keyAt);
      if (key.isBlank()) {
        return Outcome.reject("MISSING_KEY");
      }
      if (KeyDirectory.encode(key).length() > KeyDirectory.MAX_ENCODED_KEY) {
        return Outcome.reject("KEY_TOO_LONG");
      }
      into.add(key, 1);
      return Outcome.accept();
    };
  }

  @Override
  public KeyCounts newAccumulator(Params parameters) {
    return new KeyCounts();
  }

  /** The accepted rows of a chunk attempt go to the key directories, a file per key and segment. */
  @Override
  public Sink<CsvRow, KeyCounts> sink(ChunkContext<Params> chunk) {
    return new KeyFileSink(chunk.jobId(), new KeyDirectory(Path.of(chunk.parameters().directory())),
        layout(chunk.fileName(), chunk.header(), chunk.parameters()));
  }

  /**
   * Holds one segment's JSON lines in memory, by key (about as many bytes as the segment's input),
   * and writes them on {@link #commit}: each key's file, then the segment's marker, each one
   * atomically. Writing a segment again writes the same files under the same names.
   */
  private static final class KeyFileSink implements Sink<CsvRow, KeyCounts> {
    private final String jobId;
    private final KeyDirectory directory;
    private final Layout layout;
    private final Map<String, ByteArrayOutputStream> lines = new LinkedHashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, String> encoded = new HashMap<>();

    KeyFileSink(String jobId, KeyDirectory directory, Layout layout) {
      this.jobId = jobId;
      this.directory = directory;
      this.layout = layout;
    }

    @Override
    public void write(SourceRecord<CsvRow> record) throws IOException {
      CsvRow row = record.value();
      String key = encoded.computeIfAbsent(row.get(layout.keyAt()), KeyDirectory::encode);
      ByteArrayOutputStream out = lines.computeIfAbsent(key, k -> new ByteArrayOutputStream());
      try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
        json.writeStartObject();
        for (int i = 0; i < layout.at().length; i++) {
          json.writeStringField(layout.names().get(i), row.get(layout.at()[i]));
        }
        json.writeEndObject();
      }
      out.write('\n');
      counts.merge(key, 1L, Long::sum);
    }

    @Override
    public void commit(Segment segment, KeyCounts segmentTotal) throws IOException {
      List<KeyDirectory.Entry> entries = new ArrayList<>(lines.size());
      for (Map.Entry<String, ByteArrayOutputStream> e : lines.entrySet()) {
        Path file = directory.keyFile(jobId, e.getKey(), segment);
        KeyDirectory.writeAtomically(file, ByteBuffer.wrap(e.getValue().toByteArray()));
        KeyDirectory.forceDirectory(file.getParent());
        entries.add(new KeyDirectory.Entry(e.getKey(), counts.get(e.getKey()), e.getValue().size()));
      }
      Path marker = directory.marker(jobId, segment);
      String text = new KeyDirectory.Marker(segment.end(), entries).text();
      KeyDirectory.writeAtomically(marker, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      KeyDirectory.forceDirectory(marker.getParent());
      lines.clear();
      counts.clear();
    }
  }

  /** The segments of {@code done} whose marker or files are missing from the directory (or changed size). */
  @Override
  public List<Segment> lostSegments(String jobId, Params parameters, List<Segment> done) throws IOException {
    KeyDirectory directory = new KeyDirectory(Path.of(parameters.directory()));
    List<Segment> lost = new ArrayList<>();
    for (Segment segment : done) {
      if (!directory.complete(jobId, segment)) {
        lost.add(segment);
      }
    }
    return lost;
  }

  @Override
  public List<String> outputNames() {
    return List.of(OUTPUT);
  }

  @Override
  public void writeOutput(String name, KeyCounts total, Params parameters, OutputStream out) throws IOException {
    StringBuilder csv = new StringBuilder("key,rows\n");
    total.rows().forEach((key, rows) -> csv.append(Csv.quote(key)).append(',').append(rows).append('\n'));
    out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
  }
}
