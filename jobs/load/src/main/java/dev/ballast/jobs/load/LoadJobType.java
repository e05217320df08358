package dev.ballast.jobs.load;

import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.JobType;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.CsvRow;
import dev.ballast.job.source.CsvSource;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@code load} job: upserts CSV rows (for example a settlement's {@code
 * settlement.csv}) into a PostgreSQL table on a declared key.
 *
 * <p>Every staged segment of a chunk is written in one transaction: first a load marker {@code
 * (job_id, table_name, chunk_index, segment_start)} is inserted into {@code ballast_load_markers} with {@code
 * ON CONFLICT DO NOTHING}, then, only when that inserted a row, the segment's rows are upserted
 * ({@code INSERT ... ON CONFLICT (key) DO UPDATE}). A retried or resumed chunk that replays a
 * segment finds its marker and writes nothing, so a job never applies a segment twice and its
 * counts stay exact. A re-run with another job id upserts the same values: the table does not
 * change; a re-run with the same job id (a {@code --rerun}) finds every marker and loads nothing:
 * to reload a table that was changed since, use a new job id. Values are sent as text and cast by the server to each column's type; an empty field is
 * NULL. Keys should be unique in the input: for a repeated key the last row written wins.
 *
 * <p>The database, not the chunk's checkpoint, says what is loaded ({@link #lostSegments}): a
 * segment whose marker is missing, for example because a standby promoted after the primary was
 * lost had not received its transaction, is loaded again by the chunk's next attempt or by the
 * merge. A lost primary or a read-only standby answering a write ends the attempt with a retryable
 * failure naming the lost host and the host a new connection reached ({@code url} may list several
 * hosts with {@code targetServerType=primary}).
 *
 * <p>Database errors are classified by SQLState ({@link LoadErrors}): transient ones are retried
 * by the process stage's retry policy ({@link #PROCESS_POLICY} unless the spec sets one), the
 * others fail the job at once with a clear message.
 * Output: {@code load.json} (table, key, rows, sum of {@code sumColumn}).
 */
public class LoadJobType implements JobType<LoadParameters, CsvRow, LoadTotals> {
  public static final String NAME = "load";
  public static final String OUTPUT = "load.json";
  /** The table holding the load markers, created when missing. */
  public static final String MARKERS = "ballast_load_markers";

  /**
   * The load job's process-stage policy, sized for a database that restarts or fails over: 20
   * attempts, 2 s doubling to 1 min apart, so a chunk keeps trying for about 15 minutes (2 + 4 + 8
   * + 16 + 32 s, then 1 min between attempts); a heartbeat timeout of 30 s, longer than the
   * default connect timeout (10 s) that an attempt may spend waiting for a connection; and every
   * non-retryable {@link LoadErrors} type declared as such. A spec's {@code policies.process}
   * overrides any of these fields.
   */
  public static final StagePolicy PROCESS_POLICY =
      new StagePolicy(
          new RetrySpec(
              Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 20,
              Arrays.stream(LoadErrors.values()).filter(e -> !e.retryable()).map(Enum::name).toList()),
          new TimeoutSpec(Duration.ofMinutes(30), Duration.ofSeconds(30), null, null));

  private static final Logger log = LoggerFactory.getLogger(LoadJobType.class);

  private final Connections connections;

  public LoadJobType() {
    this(new Connections(System::getenv));
  }

  public LoadJobType(Connections connections) {
    this.connections = connections;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "upserts CSV rows into a PostgreSQL table on a key, idempotently (one transaction per staged segment)";
  }

  @Override
  public StagePolicy defaultPolicy(Stage stage) {
    return stage == Stage.PROCESS ? PROCESS_POLICY : StagePolicy.defaults(stage);
  }

  @Override
  public Class<LoadParameters> parameters() {
    return LoadParameters.class;
  }

  @Override
  public void checkHeader(String fileName, String headerLine, LoadParameters parameters) {
    if (Csv.split(headerLine) == null) {
      throw new IllegalArgumentException("input " + fileName + " has a malformed header: " + headerLine);
    }
    layout(fileName, headerLine, parameters);
  }

  @Override
  public RecordSource<CsvRow> open(Path file, Cursor from, long end, ChunkContext<LoadParameters> chunk)
      throws IOException {
    return CsvSource.open(file, from, end, chunk.header());
  }

  /** Where the loaded columns, the key and the summed column are in one file's header. */
  private record Layout(List<String> columns, int[] at, List<String> key, int[] keyAt, int sumAt) {}

  private static Layout layout(String fileName, String headerLine, LoadParameters p) {
    List<String> header = Csv.split(headerLine);
    List<String> columns = p.columns() == null ? header : p.columns();
    List<String> key = p.key();
    int[] at = indexes(fileName, header, columns);
    int[] keyAt = indexes(fileName, header, key);
    for (String k : key) {
      if (!columns.contains(k)) {
        throw new IllegalArgumentException("load: key column '" + k + "' is not among the loaded columns " + columns);
      }
    }
    String sumColumn = p.sumColumn();
    int sumAt = sumColumn == null ? -1 : indexes(fileName, header, List.of(sumColumn))[0];
    return new Layout(columns, at, key, keyAt, sumAt);
  }

  private static int[] indexes(String fileName, List<String> header, List<String> names) {
    int[] at = new int[names.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = header.indexOf(names.get(i));
      if (at[i] < 0) {
        throw new IllegalArgumentException(
            "input " + fileName + " lacks column '" + names.get(i) + "' (found: " + dev.ballast.job.source.Excerpt.ofNames(header) + ")");
      }
    }
    return at;
  }

  @Override
  public RecordProcessor<CsvRow, LoadTotals> processor(ChunkContext<LoadParameters> chunk) {
    Layout layout = layout(chunk.fileName(), chunk.header(), chunk.parameters());
    return (record, into) -> {
      CsvRow row = record.value();
      if (!row.wellFormed()) {
        return Outcome.reject(row.fields() == null ? "BAD_QUOTING" : "FIELD_COUNT");
      }
      for (int k : layout.keyAt()) {
        if (row.get(k).isEmpty()) {
          return Outcome.reject("MISSING_KEY");
        }
      }
      BigDecimal amount = null;
      if (layout.sumAt() >= 0 && !row.get(layout.sumAt()).isEmpty()) {
        try {
          amount = new BigDecimal(row.get(layout.sumAt()));
        } catch (NumberFormatException e) {
          return Outcome.reject("BAD_NUMBER");
        }
      }
      into.add(amount);
      return Outcome.accept();
    };
  }

  /** The rows of a chunk attempt go to the table, one transaction per segment. */
  @Override
  public Sink<CsvRow, LoadTotals> sink(ChunkContext<LoadParameters> chunk) {
    return new TableSink(chunk, layout(chunk.fileName(), chunk.header(), chunk.parameters()));
  }

  /**
   * Buffers the accepted rows of one segment and writes them in one transaction with the
   * segment's load marker; a segment whose marker is there already is not written again.
   */
  private final class TableSink implements Sink<CsvRow, LoadTotals> {
    private final ChunkContext<LoadParameters> chunk;
    private final Layout layout;
    private final List<String[]> rows = new ArrayList<>();

    TableSink(ChunkContext<LoadParameters> chunk, Layout layout) {
      this.chunk = chunk;
      this.layout = layout;
    }

    @Override
    public void write(SourceRecord<CsvRow> record) {
      CsvRow row = record.value();
      String[] values = new String[layout.at().length];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(layout.at()[i]);
      }
      rows.add(values);
    }

    @Override
    public void commit(Segment segment, LoadTotals segmentTotal) {
      if (rows.isEmpty()) {
        return;
      }
      String table = chunk.parameters().table();
      Connections.Target target = connections.target(chunk.parameters());
      Connection connection = connect(target, table);
      String host = Connections.host(connection);
      try (Connection c = connection) {
        c.setAutoCommit(false);
        try {
          ensureMarkers(c);
          if (!claim(c, chunk.jobId(), table, segment, rows.size())) {
            c.rollback();
            log.info(
                "job {} chunk {} segment {} (offset {}) was already loaded into {}; not loading it again",
                chunk.jobId(), segment.chunkIndex(), segment.index(), segment.start(), table);
            segmentTotal.markReplayed();
          } else {
            upsert(c, table, layout, rows, chunk);
            c.commit();
            log.debug("loaded {} rows of chunk {} segment {} into {}", rows.size(),
                segment.chunkIndex(), segment.index(), table);
          }
        } catch (SQLException e) {
          rollbackQuietly(c);
          throw e;
        }
      } catch (SQLException e) {
        throw LoadErrors.serverLost(e) ? failover(chunk.jobId(), segment.chunkIndex(), target, table, e, host)
            : LoadErrors.failure(table, e);
      } finally {
        rows.clear();
      }
    }
  }

  /**
   * The failure of a chunk whose server went away or stopped taking writes mid-segment: the pool's
   * connections are dropped, a new one is tried (with {@code targetServerType=primary} it finds
   * the promoted standby, once there is one), and the message names both hosts, so that {@code
   * ballast status} shows the chunk's retry as the failover it is.
   */
  private RuntimeException failover(
      String jobId, int chunk, Connections.Target target, String table, SQLException e, String lost) {
    connections.evict(target);
    String now = null;
    SQLException probe = null;
    try {
      now = connections.reachableHost(target);
    } catch (SQLException p) {
      probe = p;
    }
    RuntimeException failure = LoadErrors.serverLost(table, e, lost, now, probe);
    log.warn("job {} chunk {}: {}", jobId, chunk, failure.getMessage());
    return failure;
  }


  /** A connection from the target's pool; a failure to get one is classified like any other. */
  private Connection connect(Connections.Target target, String table) {
    try {
      return connections.pool(target).getConnection();
    } catch (SQLException e) {
      throw LoadErrors.failure(table, e);
    }
  }
  /**
   * The segments of {@code done} whose load marker the database lacks. A chunk's checkpoint counts
   * a segment done once its transaction committed, but a standby promoted after the primary was
   * lost may not have received the last transactions the primary confirmed (asynchronous
   * replication): the database, not the checkpoint, says what is loaded. One query per call.
   */
  @Override
  public List<Segment> lostSegments(String jobId, LoadParameters parameters, List<Segment> done) {
    String table = parameters.table();
    Connections.Target target = connections.target(parameters);
    Set<MarkerKey> present = new HashSet<>();
    Connection connection = connect(target, table);
    String host = Connections.host(connection);
    try (Connection c = connection) {
      c.setAutoCommit(false);
      try {
        ensureMarkers(c);
        Integer[] chunks = done.stream().map(Segment::chunkIndex).distinct().toArray(Integer[]::new);
        try (PreparedStatement s = c.prepareStatement("SELECT chunk_index, segment_start FROM " + MARKERS
            + " WHERE job_id = ? AND table_name = ? AND chunk_index = ANY (?)")) {
          s.setString(1, jobId);
          s.setString(2, table);
          s.setArray(3, c.createArrayOf("integer", chunks));
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              present.add(new MarkerKey(r.getInt(1), r.getLong(2)));
            }
          }
        }
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw LoadErrors.serverLost(e) ? failover(jobId, done.get(0).chunkIndex(), target, table, e, host)
          : LoadErrors.failure(table, e);
    }
    List<Segment> lost = done.stream().filter(s -> !present.contains(new MarkerKey(s.chunkIndex(), s.start()))).toList();
    if (!lost.isEmpty()) {
      log.warn("job {}: {} of {} finished segments have no load marker in {} on {}: they were lost (a failover"
              + " to a standby that had not received them?) and are loaded again",
          jobId, lost.size(), done.size(), MARKERS, host);
    }
    return lost;
  }

  /** What identifies a segment's marker within a job and table. */
  private record MarkerKey(int chunk, long start) {}

  private static void ensureMarkers(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + MARKERS + " (job_id text NOT NULL, table_name text NOT NULL,"
          + " chunk_index integer NOT NULL, segment_start bigint NOT NULL, segment_end bigint NOT NULL,"
          + " rows bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (job_id, table_name, chunk_index, segment_start))");
    } catch (SQLException e) {
      // Two chunks creating the table at once: the loser sees a unique violation on the catalog.
      if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
    }
  }

  /** Inserts the segment's marker; false when it was there already (the segment is loaded). */
  private static boolean claim(Connection c, String jobId, String table, Segment segment, int rows)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO " + MARKERS + " (job_id, table_name, chunk_index, segment_start, segment_end, rows)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, jobId);
      s.setString(2, table);
      s.setInt(3, segment.chunkIndex());
      s.setLong(4, segment.start());
      s.setLong(5, segment.end());
      s.setLong(6, rows);
      return s.executeUpdate() == 1;
    }
  }

  private static void upsert(
      Connection c, String table, Layout layout, List<String[]> rows, ChunkContext<?> context)
      throws SQLException {
    List<String> cols = layout.columns().stream().map(LoadJobType::quote).toList();
    List<String> updates = layout.columns().stream()
        .filter(col -> !layout.key().contains(col))
        .map(col -> quote(col) + " = EXCLUDED." + quote(col))
        .toList();
    String sql = "INSERT INTO " + identifier(table) + " (" + String.join(", ", cols) + ") VALUES ("
        + cols.stream().map(x -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
        + layout.key().stream().map(LoadJobType::quote).collect(Collectors.joining(", ")) + ") "
        + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int n = 0;
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          if (row[i].isEmpty()) {
            s.setNull(i + 1, Types.OTHER);
          } else {
            s.setString(i + 1, row[i]);
          }
        }
        s.addBatch();
        if (++n % 1000 == 0) {
          s.executeBatch();
          context.heartbeat();
        }
      }
      s.executeBatch();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed: {}", e.toString());
    }
  }

  /** A table name, optionally schema-qualified, as a quoted SQL identifier. */
  static String identifier(String table) {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("load parameter 'table' must name a table");
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2 || List.of(parts).stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("load parameter 'table' must be TABLE or SCHEMA.TABLE, not " + table);
    }
    return List.of(parts).stream().map(LoadJobType::quote).collect(Collectors.joining("."));
  }

  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  @Override
  public LoadTotals newAccumulator(LoadParameters parameters) {
    return new LoadTotals();
  }

  @Override
  public List<String> outputNames() {
    return List.of(OUTPUT);
  }

  @Override
  public void writeOutput(String name, LoadTotals total, LoadParameters parameters, OutputStream out)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("table", parameters.table());
    report.put("key", parameters.key());
    report.put("rows", total.rows());
    if (parameters.sumColumn() != null) {
      report.put("sumColumn", parameters.sumColumn());
      report.put("sum", total.sum().toPlainString());
    }
    report.put("replayedSegments", total.replayedSegments());
    out.write(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(report).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }
}
