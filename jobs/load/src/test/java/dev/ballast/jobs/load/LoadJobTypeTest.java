package dev.ballast.jobs.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.JobFailure;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.CsvRow;
import dev.ballast.testkit.JobHarness;
import dev.ballast.testkit.TestPostgres;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load job against a real PostgreSQL server, through the real activities. */
class LoadJobTypeTest {
  private static final AtomicInteger TABLES = new AtomicInteger();

  @TempDir Path tmp;

  private TestPostgres pg;
  private String table;
  private Path passwordFile;
  private final List<Connections> opened = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    pg = TestPostgres.require();
    table = "settled_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    sql("DROP TABLE IF EXISTS " + table);
    sql("CREATE TABLE " + table + " (merchant_id text NOT NULL, date date NOT NULL, txn_count integer,"
        + " net_usd_cents bigint CHECK (net_usd_cents > -1000000000), PRIMARY KEY (merchant_id, date))");
    passwordFile = Files.writeString(tmp.resolve("pg-password"), pg.password == null ? "" : pg.password + "\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    opened.forEach(Connections::close);
    if (pg != null) {
      sql("DROP TABLE IF EXISTS " + table);
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private String query(String q) throws SQLException {
    try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(q)) {
      r.next();
      return r.getString(1);
    }
  }

  /** count, sum of net, and a digest of every row, in key order. */
  private String tableState() throws SQLException {
    return query("SELECT count(*) || ' ' || coalesce(sum(net_usd_cents), 0) || ' ' || md5(coalesce(string_agg("
        + "merchant_id || date || txn_count || coalesce(net_usd_cents::text, '-'), ',' ORDER BY merchant_id, date), ''))"
        + " FROM " + table);
  }

  /** A settlement.csv-like file: unique (merchant, date) keys; returns its net sum. */
  private BigDecimal settlementCsv(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n");
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < rows; i++) {
      long net = random.nextInt(2_000_000) - 500_000;
      sum = sum.add(BigDecimal.valueOf(net));
      csv.append("m").append(i / 28).append(",2026-02-").append(String.format("%02d", i % 28 + 1)).append(',')
          .append(random.nextInt(90) + 1).append(",0,0,").append(net).append('\n');
    }
    Files.writeString(file, csv);
    return sum;
  }

  private Map<String, Object> params() {
    Map<String, Object> p = new HashMap<>();
    p.put("table", table);
    p.put("key", List.of("merchant_id", "date"));
    p.put("columns", List.of("merchant_id", "date", "txn_count", "net_usd_cents"));
    p.put("sumColumn", "net_usd_cents");
    p.put("url", pg.url);
    if (pg.user != null) {
      p.put("user", pg.user);
    }
    p.put("passwordFile", passwordFile.toString());
    return p;
  }

  private LoadJobType loadType() {
    Connections c = new Connections(name -> null);
    opened.add(c);
    return new LoadJobType(c);
  }

  private JobSpec spec(String id, Path in, Map<String, Object> params) {
    return JobHarness.spec(table + "-" + id, LoadJobType.NAME, List.of(in), tmp.resolve("out-" + id), params, 16 << 10);
  }

  @Test
  void loadsEveryRowAndARerunChangesNothing() throws Exception {
    Path in = tmp.resolve("settlement.csv");
    BigDecimal sum = settlementCsv(in, 3000, 1);
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(loadType())), 4 << 10)) {
      JobHarness.Run run = h.run(spec("load-1", in, params()));
      assertTrue(run.plan().chunks().size() > 3);
      assertEquals("3000 " + sum + " ", tableState().substring(0, tableState().lastIndexOf(' ') + 1));
      assertEquals(3000, run.merge().counts().accepted());
      String report = Files.readString(tmp.resolve("out-load-1").resolve(LoadJobType.OUTPUT));
      assertTrue(report.contains("\"rows\" : 3000") && report.contains("\"sum\" : \"" + sum + "\""), report);
      assertEquals(List.of(), ManifestVerifier.verify(tmp.resolve("out-load-1")));
      String before = tableState();

      h.run(spec("load-2", in, params()));
      assertEquals(before, tableState(), "a re-run with another job id changes nothing");
      assertTrue(Integer.parseInt(query("SELECT count(*) FROM ballast_load_markers WHERE job_id = '" + table + "-load-2'")) > 3);
    }
  }

  @Test
  void aChunkRetriedAfterItsTransactionCommittedLoadsNothingTwice() throws Exception {
    Path in = tmp.resolve("settlement.csv");
    BigDecimal sum = settlementCsv(in, 1500, 2);
    // Additive trigger: a segment applied twice would double txn_count; the marker must prevent it.
    sql("CREATE TABLE " + table + "_applied (n bigint)");
    sql("INSERT INTO " + table + "_applied VALUES (0)");
    sql("CREATE OR REPLACE FUNCTION " + table + "_count() RETURNS trigger AS $$ BEGIN UPDATE " + table
        + "_applied SET n = n + 1; RETURN NEW; END $$ LANGUAGE plpgsql");
    sql("CREATE TRIGGER " + table + "_t BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table + "_count()");
    try {
      DyingLoad dying = new DyingLoad(loadType());
      try (JobHarness h = new JobHarness(new JobTypes(Set.of(dying)), 4 << 10)) {
        JobSpec spec = JobHarness.spec(table + "-load-crash", DyingLoad.NAME_, List.of(in), tmp.resolve("out"), params(), 1 << 20);
        PlanResult plan = h.plan(spec);
        ChunkRef chunk = plan.chunks().get(0);
        assertThrows(ActivityFailure.class, () -> h.chunk(spec, plan, chunk, null));
        ChunkCheckpoint cp = h.lastCheckpoint();
        ChunkResult retried = h.chunk(spec, plan, chunk, cp);
        assertEquals(cp == null ? chunk.start() : cp.offset(), retried.resumedFrom());
        JobHarness.Run run = h.finish(spec, plan, List.of(retried));
        assertEquals("1500", query("SELECT n FROM " + table + "_applied"), "each row inserted exactly once");
        assertEquals(sum.toString(), query("SELECT sum(net_usd_cents) FROM " + table));
        assertEquals(1500, run.merge().counts().accepted());
        String report = Files.readString(tmp.resolve("out").resolve(LoadJobType.OUTPUT));
        assertFalse(report.contains("\"replayedSegments\" : 0"), "the replayed segment was noticed: " + report);
      }
    } finally {
      sql("DROP TABLE IF EXISTS " + table + "_applied");
    }
  }

  @Test
  void segmentsTheDatabaseLostAreLoadedAgainThoughTheCheckpointCountsThemDone() throws Exception {
    Path in = tmp.resolve("settlement.csv");
    BigDecimal sum = settlementCsv(in, 1500, 4);
    String all = "1500 " + sum;
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new DyingLoad(loadType()))), 4 << 10)) {
      JobSpec spec = JobHarness.spec(table + "-load-lost", DyingLoad.NAME_, List.of(in), tmp.resolve("out"), params(), 1 << 20);
      String markers = "FROM ballast_load_markers WHERE job_id = '" + spec.id() + "'";
      PlanResult plan = h.plan(spec);
      ChunkRef chunk = plan.chunks().get(0);
      assertThrows(ActivityFailure.class, () -> h.chunk(spec, plan, chunk, null));
      ChunkCheckpoint cp = h.lastCheckpoint();
      assertTrue(cp != null && cp.segments() >= 1, "a checkpoint counted segments done before the worker died: " + cp);
      // A failover to a standby that had received none of it: rows and markers are gone.
      sql("DELETE " + markers);
      sql("TRUNCATE " + table);
      ChunkResult retried = h.chunk(spec, plan, chunk, cp);
      assertEquals(chunk.start(), retried.resumedFrom(), "the retry redid the segments its checkpoint counted done");
      assertEquals(all, query("SELECT count(*) || ' ' || sum(net_usd_cents) FROM " + table));
      int segments = Integer.parseInt(query("SELECT count(*) " + markers));
      assertTrue(segments > 5, segments + " segments");

      // The chunk finished; then its last segment is lost. A retry of the chunk finds its summary
      // but does not reuse it: it loads that segment again.
      String last = query("SELECT segment_start || ' ' || rows " + markers + " ORDER BY segment_start DESC LIMIT 1");
      long lastStart = Long.parseLong(last.split(" ")[0]);
      String lastRows = last.split(" ")[1];
      sql("DELETE " + markers + " AND segment_start = " + lastStart);
      sql("TRUNCATE " + table);
      ChunkResult again = h.chunk(spec, plan, chunk, null);
      assertEquals(lastStart, again.resumedFrom());
      assertEquals(lastRows, query("SELECT count(*) FROM " + table));

      // Lost once more after the chunk reported done: the merge loads it again.
      sql("DELETE " + markers + " AND segment_start = " + lastStart);
      sql("TRUNCATE " + table);
      JobHarness.Run run = h.finish(spec, plan, List.of(again));
      assertEquals(lastRows, query("SELECT count(*) FROM " + table));
      assertEquals(String.valueOf(segments), query("SELECT count(*) " + markers), "one marker per segment");
      assertEquals(1500, run.merge().counts().accepted());
      String report = Files.readString(tmp.resolve("out").resolve(LoadJobType.OUTPUT));
      assertTrue(report.contains("\"rows\" : 1500") && report.contains("\"sum\" : \"" + sum + "\""), report);
    }
  }

  @Test
  void badRowsAreRejectedNotLoaded() throws Exception {
    Path in = Files.writeString(tmp.resolve("in.csv"),
        "merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n"
            + "m1,2026-01-01,1,0,0,10\n,2026-01-01,1,0,0,5\nm2,2026-01-01,1,0,0\nm3,2026-01-02,2,0,0,x\n");
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(loadType())), 4 << 10)) {
      h.run(spec("load-bad", in, params()));
      assertTrue(tableState().startsWith("1 10 "), tableState());
      List<String> rejects = Files.readAllLines(tmp.resolve("out-load-bad").resolve("rejects.jsonl"));
      assertEquals(List.of("MISSING_KEY", "FIELD_COUNT", "BAD_NUMBER"),
          rejects.stream().map(l -> l.replaceAll(".*\"reason\":\"([A-Z_]+)\".*", "$1")).toList());
    }
  }

  private ApplicationFailure loadFailure(Path in, Map<String, Object> params) {
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(loadType())), 4 << 10)) {
      JobSpec spec = spec("load-err-" + TABLES.incrementAndGet(), in, params);
      PlanResult plan = h.plan(spec);
      ActivityFailure e = assertThrows(ActivityFailure.class, () -> h.chunk(spec, plan, plan.chunks().get(0), null));
      return (ApplicationFailure) e.getCause();
    }
  }

  @Test
  void eachDatabaseErrorIsClassified() throws Exception {
    Path in = tmp.resolve("in.csv");
    settlementCsv(in, 10, 3);

    Map<String, Object> missing = params();
    missing.put("table", "no_such_table_" + table);
    ApplicationFailure noTable = loadFailure(in, missing);
    assertEquals("DB_SCHEMA", noTable.getType());
    assertTrue(noTable.isNonRetryable());
    assertTrue(noTable.getOriginalMessage().contains("table no_such_table_" + table + " does not exist"), noTable.getOriginalMessage());

    Files.writeString(in, "merchant_id,date,txn_count,net_usd_cents\nm,2026-01-01,1,-2000000000\n");
    ApplicationFailure constraint = loadFailure(in, params());
    assertEquals("DB_CONSTRAINT", constraint.getType());
    assertTrue(constraint.isNonRetryable());
    assertTrue(constraint.getOriginalMessage().contains("constraint of table " + table), constraint.getOriginalMessage());

    Files.writeString(in, "merchant_id,date,txn_count,net_usd_cents\nm,2026-02-30,1,1\n");
    ApplicationFailure data = loadFailure(in, params());
    assertEquals("DB_DATA", data.getType());
    assertTrue(data.isNonRetryable());

    Files.writeString(in, "merchant_id,date,txn_count,net_usd_cents\nm,2026-02-28,1,1\n");
    Map<String, Object> notKey = params();
    notKey.put("key", List.of("merchant_id"));
    ApplicationFailure noUnique = loadFailure(in, notKey);
    assertEquals("DB_SCHEMA", noUnique.getType());
    assertTrue(noUnique.getOriginalMessage().contains("not a primary key or unique constraint"), noUnique.getOriginalMessage());

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Map<String, Object> refused = params();
    refused.put("url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/ballast_test");
    refused.put("connectTimeoutSeconds", 1);
    ApplicationFailure down = loadFailure(in, refused);
    assertEquals("DB_TRANSIENT", down.getType());
    assertFalse(down.isNonRetryable(), "connection refused is retried");
    assertFalse(down.getOriginalMessage().contains(String.valueOf(pg.password)) && pg.password != null
        && !pg.password.isEmpty(), "the password is never in a message");
  }

  @Test
  void sqlStatesAreClassified() {
    assertEquals(LoadErrors.DB_TRANSIENT, LoadErrors.classify(new SQLException("x", "40001")));
    assertEquals(LoadErrors.DB_TRANSIENT, LoadErrors.classify(new SQLException("x", "40P01")));
    assertEquals(LoadErrors.DB_TRANSIENT, LoadErrors.classify(new SQLException("x", "08001")));
    assertEquals(LoadErrors.DB_TRANSIENT, LoadErrors.classify(new SQLException("x", "57P01")));
    // What a failover looks like: a standby refusing a write, a server starting up or gone.
    for (String state : List.of("25006", "57P01", "57P02", "57P03", "08006", "08001")) {
      assertEquals(LoadErrors.DB_TRANSIENT, LoadErrors.classify(new SQLException("x", state)), state);
      assertTrue(LoadErrors.serverLost(new SQLException("x", state)), state);
    }
    assertFalse(LoadErrors.serverLost(new SQLException("x", "40001")));
    assertFalse(LoadErrors.serverLost(new SQLException("x", "23505")));
    JobFailure failover = LoadErrors.serverLost(
        "t", new SQLException("terminating connection due to administrator command", "57P01"),
        "db1:5432", "db2:5432", null);
    assertEquals("DB_TRANSIENT", failover.type());
    assertTrue(failover.retryable());
    assertEquals("primary db1:5432 lost while loading t (SQLState 57P01: terminating connection due to"
        + " administrator command); reconnected to host db2:5432; the chunk retries there", failover.getMessage());
    JobFailure standby = LoadErrors.serverLost(
        "t", new SQLException("cannot execute INSERT in a read-only transaction", "25006"), "db1:5432", null,
        new SQLException("Could not find a server with specified targetServerType: primary", "08001"));
    assertEquals("db1:5432 is a read-only standby while loading t (SQLState 25006: cannot execute INSERT in a"
        + " read-only transaction); no primary reachable yet (SQLState 08001: Could not find a server with"
        + " specified targetServerType: primary); the chunk retries", standby.getMessage());
    assertEquals(LoadErrors.DB_CONSTRAINT, LoadErrors.classify(new SQLException("x", "23505")));
    assertEquals(LoadErrors.DB_SCHEMA, LoadErrors.classify(new SQLException("x", "42P01")));
    assertEquals(LoadErrors.DB_AUTH, LoadErrors.classify(new SQLException("x", "28P01")));
    assertTrue(LoadErrors.failure("t", new SQLException("x", "40001")).type().equals("DB_TRANSIENT"));
    assertTrue(LoadErrors.failure("t", new SQLException("x", "40001")).retryable());
  }

  @Test
  void declaresAProcessPolicyForDatabaseRestartsAndKeepsTheOtherStagesDefaults() {
    LoadJobType load = new LoadJobType(new Connections(name -> null));
    dev.ballast.job.policy.StagePolicy process = load.defaultPolicy(dev.ballast.job.policy.Stage.PROCESS);
    dev.ballast.job.policy.StagePolicy engine = dev.ballast.job.policy.StagePolicy.defaults(dev.ballast.job.policy.Stage.PROCESS);
    assertEquals(LoadJobType.PROCESS_POLICY, process);
    assertTrue(process.retry().maximumAttempts() > engine.retry().maximumAttempts());
    assertTrue(process.retry().maximumInterval().compareTo(engine.retry().maximumInterval()) > 0);
    // How long a chunk keeps retrying before the job fails: long enough for a database restart.
    java.time.Duration waited = java.time.Duration.ZERO;
    java.time.Duration interval = process.retry().initialInterval();
    for (int attempt = 1; attempt < process.retry().maximumAttempts(); attempt++) {
      waited = waited.plus(interval);
      interval = java.time.Duration.ofMillis(Math.min(process.retry().maximumInterval().toMillis(),
          (long) (interval.toMillis() * process.retry().backoffCoefficient())));
    }
    assertTrue(waited.compareTo(java.time.Duration.ofMinutes(10)) > 0, "retries span " + waited);
    // The heartbeat timeout outlasts the wait for a connection (connectTimeoutSeconds, default 10).
    assertTrue(process.timeouts().heartbeat().getSeconds() > 10);
    // Exactly the non-retryable classes are declared non-retryable; transient errors are retried.
    assertEquals(
        java.util.Arrays.stream(LoadErrors.values()).filter(e -> !e.retryable()).map(Enum::name).toList(),
        process.retry().nonRetryableErrorTypes());
    assertFalse(process.retry().nonRetryableErrorTypes().contains(LoadErrors.DB_TRANSIENT.name()));
    for (dev.ballast.job.policy.Stage other : List.of(dev.ballast.job.policy.Stage.PLAN,
        dev.ballast.job.policy.Stage.MERGE, dev.ballast.job.policy.Stage.COMMIT)) {
      assertEquals(dev.ballast.job.policy.StagePolicy.defaults(other), load.defaultPolicy(other));
    }
  }

  /** The load job whose worker dies once, right after segment 2's transaction committed. */
  static final class DyingLoad extends LoadJobType {
    static final String NAME_ = "load-dying";
    private boolean died;

    DyingLoad(LoadJobType base) {
      super(new Connections(name -> null));
    }

    @Override
    public String name() {
      return NAME_;
    }

    @Override
    public Sink<CsvRow, LoadTotals> sink(ChunkContext<LoadParameters> chunk) {
      Sink<CsvRow, LoadTotals> table = super.sink(chunk);
      return new Sink<>() {
        @Override
        public void write(SourceRecord<CsvRow> record) throws Exception {
          table.write(record);
        }

        @Override
        public void commit(Segment segment, LoadTotals segmentTotal) throws Exception {
          table.commit(segment, segmentTotal);
          if (segment.index() == 2 && !died) {
            died = true;
            throw new IllegalStateException("worker killed after committing segment 2");
          }
        }
      };
    }
  }
}
