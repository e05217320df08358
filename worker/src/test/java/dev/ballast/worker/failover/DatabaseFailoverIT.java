package dev.ballast.worker.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.PipelineWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.worker.TemporalConnections;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load job through a PostgreSQL failover, with real servers ({@link PostgresPair}: a primary
 * and a streaming-replication standby) and worker JVMs on the embedded Temporal service. Mid-load
 * the standby is cut off its primary, the primary then stopped hard ({@code pg_ctl stop -m
 * immediate}), a worker running a chunk killed ({@code kill -9}) and the standby promoted; the job
 * must complete with the table exactly as the input says: every key once, the column sums, and
 * load markers that tile the input file one segment each.
 *
 * <p>Asynchronous replication: the primary went on confirming segments the standby never got, so
 * the promoted standby lacks segments that chunk checkpoints count done; the load finds them by
 * their missing markers and loads them again. Synchronous replication: commits wait for the
 * standby, so nothing the old primary confirmed is missing after the promotion. 1,000,000 rows
 * each; about 4 minutes for both on a busy 2-core machine.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DatabaseFailoverIT {
  private static final int ROWS = 1_000_000;
  private static final String MARKERS = "ballast_load_markers";

  @TempDir Path dir;

  @Test
  void asynchronousReplicationLosesConfirmedSegmentsAndTheLoadRedoesThem() throws Exception {
    Path input = dir.resolve("ledger.csv");
    Random random = new Random(18);
    long sum = 0;
    BigInteger weighted = BigInteger.ZERO;
    long accounts = 0;
    try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      w.write("id,account,amount\n");
      for (int i = 0; i < ROWS; i++) {
        long amount = random.nextInt(2_000_000) - 1_000_000;
        int account = random.nextInt(50_000);
        sum += amount;
        weighted = weighted.add(BigInteger.valueOf(i).multiply(BigInteger.valueOf(amount)));
        accounts += account;
        w.write(i + ",acct-" + account + "," + amount + "\n");
      }
    }
    String expected = ROWS + " " + 0 + " " + (ROWS - 1) + " " + sum + " " + weighted + " " + accounts;

    try (PostgresPair pg = PostgresPair.start(false)) {
      String table = "failover_async";
      pg.execute(pg.primaryPort, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, account text, amount bigint)");
      Map<String, Object> params = loadParameters(pg, table, List.of("id"), "amount");
      // 1 MiB chunks: one segment (one transaction) each, dozens of them, so that the failover
      // lands while segments are still being loaded.
      JobSpec spec = new JobSpec("dbfailover-async", "load", List.of(input.toString()), dir.resolve("out").toString(),
          params, 1L << 20, 4, null, Map.of("process", PROCESS), 1, null);
      Failover f = runThroughFailover(pg, false, table, spec.id(), client -> {
        JobWorkflow job = client.newWorkflowStub(JobWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(spec.id()).setTaskQueue(TaskQueues.JOBS).build());
        return WorkflowClient.execute(job::run, spec).thenApply(JobResult::counts);
      });

      assertTrue(f.survived < f.confirmed, "the promoted standby lacks segments the old primary had confirmed: "
          + f.survived + " of " + f.confirmed + " markers survived");
      assertEquals(expected, f.queryNew("SELECT count(*) || ' ' || min(id) || ' ' || max(id) || ' ' || sum(amount)"
          + " || ' ' || sum(id::numeric * amount) || ' ' || sum(substr(account, 6)::bigint) FROM " + table));
      assertMarkersTile(f, spec.id(), input);
      String report = Files.readString(dir.resolve("out").resolve("load.json"));
      assertTrue(report.contains("\"rows\" : " + ROWS) && report.contains("\"sum\" : \"" + sum + "\""), report);
    }
  }

  @Test
  void synchronousReplicationLosesNothingConfirmedInASettlementThenLoadPipeline() throws Exception {
    // One transaction per merchant: the settlement publishes one row per merchant, ROWS rows.
    Path input = dir.resolve("transactions.csv");
    Random random = new Random(27);
    long txns = 0;
    long gross = 0;
    long refunds = 0;
    BigInteger weighted = BigInteger.ZERO;
    try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      w.write("created_at,txn_id,merchant_id,amount,currency,status\n");
      for (int i = 0; i < ROWS; i++) {
        long cents = 1 + random.nextInt(999_999);
        boolean settled = random.nextInt(5) != 0;
        w.write(String.format("2026-11-27T%02d:00:00Z,t%d,m%07d,%d.%02d,USD,%s%n",
            i % 24, i, i, cents / 100, cents % 100, settled ? "SETTLED" : "REFUNDED"));
        txns++;
        if (settled) {
          gross += cents;
        } else {
          refunds += cents;
        }
        weighted = weighted.add(BigInteger.valueOf(i).multiply(BigInteger.valueOf(settled ? cents : -cents)));
      }
    }
    String expected = ROWS + " m0000000 m" + String.format("%07d", ROWS - 1) + " 1 " + txns + " " + gross + " "
        + refunds + " " + (gross - refunds) + " " + weighted;

    try (PostgresPair pg = PostgresPair.start(true)) {
      String table = "failover_sync";
      pg.execute(pg.primaryPort, "CREATE TABLE " + table + " (merchant_id text, date date, txn_count integer,"
          + " gross_usd_cents bigint, refunds_usd_cents bigint, net_usd_cents bigint, PRIMARY KEY (merchant_id, date))");
      Map<String, Object> params = loadParameters(pg, table, List.of("merchant_id", "date"), "net_usd_cents");
      PipelineSpec spec = new PipelineSpec("dbfailover-sync", List.of(
          new JobSpec(null, "settlement", List.of(input.toString()), dir.resolve("settled").toString(), null,
              16L << 20, 2, null, null, 1, null),
          new JobSpec(null, "load", null, dir.resolve("loaded").toString(), params,
              1L << 20, 4, null, Map.of("process", PROCESS), 1, null)));
      String loadJob = PipelineWorkflow.stageJobId(spec.id(), 1, "load");
      Failover f = runThroughFailover(pg, true, table, loadJob, client -> {
        PipelineWorkflow pipeline = client.newWorkflowStub(PipelineWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(spec.id()).setTaskQueue(TaskQueues.JOBS).build());
        return WorkflowClient.execute(pipeline::run, spec).thenApply(r -> r.stages().get(1).counts());
      });

      assertTrue(f.survived >= f.confirmed, "every segment the old primary confirmed survived the promotion: "
          + f.survived + " of " + f.confirmed);
      assertEquals(expected, f.queryNew("SELECT count(*) || ' ' || min(merchant_id) || ' ' || max(merchant_id)"
          + " || ' ' || count(DISTINCT date) || ' ' || sum(txn_count) || ' ' || sum(gross_usd_cents)"
          + " || ' ' || sum(refunds_usd_cents) || ' ' || sum(net_usd_cents)"
          + " || ' ' || sum(substr(merchant_id, 2)::numeric * net_usd_cents) FROM " + table));
      assertEquals(String.valueOf(ROWS), f.queryNew("SELECT count(DISTINCT merchant_id) FROM " + table + " WHERE merchant_id ~ '^m[0-9]{7}$'"),
          "every merchant once");
      assertMarkersTile(f, loadJob, dir.resolve("settled").resolve("settlement.csv"));
    }
  }

  /** The load stage's retry policy: quick retries, a heartbeat timeout above the 10 s connect timeout. */
  private static final StagePolicy PROCESS = new StagePolicy(
      new RetrySpec(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(4), 40, null),
      new TimeoutSpec(Duration.ofMinutes(10), Duration.ofSeconds(20), null, null));

  private Map<String, Object> loadParameters(PostgresPair pg, String table, List<String> key, String sumColumn)
      throws IOException {
    Map<String, Object> params = new HashMap<>();
    params.put("table", table);
    params.put("key", key);
    params.put("sumColumn", sumColumn);
    params.put("url", pg.url());
    params.put("user", "postgres");
    params.put("passwordFile", Files.writeString(dir.resolve("pg-password"), "unused-trust-auth").toString());
    return params;
  }

  /** What the failover left: markers confirmed before it and surviving it, errors the chunks showed. */
  private record Failover(
      PostgresPair pg, long confirmed, long survived, Set<String> chunkErrors, long rowsLoaded) {
    String queryNew(String sql) throws SQLException {
      try (var c = pg.connect(pg.standbyPort); var s = c.createStatement(); var r = s.executeQuery(sql)) {
        r.next();
        return r.getString(1);
      }
    }
  }

  /**
   * Starts the job with two worker JVMs; once a few of its segments are loaded, cuts the standby off,
   * lets the primary confirm more (asynchronous) or waits until a commit waits for the standby
   * (synchronous), stops the primary hard, kills a worker running a chunk, promotes the standby and
   * waits for the job, collecting the errors its chunks show meanwhile (what {@code ballast status}
   * shows). Checks that a chunk error named the lost primary and the promoted host.
   *
   * <p>The primary dies only once at least three chunks are held mid-transaction (waiting for the
   * cut-off synchronous standby, or for a lock the test holds on {@code table}): a worker runs two
   * chunks at most, so the worker that survives has one whose transaction the failover interrupts.
   * A chunk that merely begins its transaction after the failover waits for a primary and reports
   * nothing.
   */
  private Failover runThroughFailover(
      PostgresPair pg, boolean synchronous, String table, String loadJob,
      Function<WorkflowClient, CompletableFuture<dev.ballast.api.model.Counts>> start) throws Exception {
    String markers = "SELECT count(*) FROM " + MARKERS + " WHERE job_id = '" + loadJob + "'";
    Set<String> errors = new LinkedHashSet<>();
    long confirmed;
    long killedAtMillis;
    dev.ballast.api.model.Counts counts;
    Connection holdLoads = null;
    long started = System.nanoTime();
    try (EmbeddedTemporal server = EmbeddedTemporal.start(0);
        WorkerProcesses workers = new WorkerProcesses(server.address(), dir.resolve("logs"),
            Map.of("BALLAST_CHUNK_SLOTS", "2"))) {
      workers.start();
      workers.start();
      WorkflowServiceStubs stubs = TemporalConnections.connect(server.address());
      try {
        WorkflowClient client = TemporalConnections.client(stubs, "default");
        String processStage = JobWorkflow.stageId(loadJob, Stage.PROCESS);
        CompletableFuture<dev.ballast.api.model.Counts> running = start.apply(client);

        PostgresPair.await("a few segments are loaded", Duration.ofMinutes(4),
            () -> running.isDone() || count(pg, pg.primaryPort, markers) >= 4);
        if (running.isDone()) {
          String outcome;
          try {
            outcome = "it ended with " + running.get();
          } catch (java.util.concurrent.ExecutionException e) {
            StringBuilder why = new StringBuilder("it failed:");
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
              why.append(" <- ").append(t.getMessage());
            }
            outcome = why.toString();
          }
          throw new AssertionError("the job is still loading when the failover begins, but " + outcome);
        }
        long atCut = count(pg, pg.primaryPort, markers);
        pg.cutReplication();
        if (synchronous) {
          PostgresPair.await("three commits wait for the cut-off synchronous standby", Duration.ofSeconds(60),
              () -> count(pg, pg.primaryPort, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") >= 3);
        } else {
          PostgresPair.await("the primary confirms segments the standby never receives", Duration.ofSeconds(60),
              () -> count(pg, pg.primaryPort, markers) >= atCut + 3);
          // Loads take ROW EXCLUSIVE on the table: they now wait, their markers inserted, uncommitted.
          holdLoads = pg.connect(pg.primaryPort);
          holdLoads.setAutoCommit(false);
          try (Statement lock = holdLoads.createStatement()) {
            lock.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
          }
          PostgresPair.await("three chunks wait for the table to load", Duration.ofSeconds(60),
              () -> count(pg, pg.primaryPort, "SELECT count(*) FROM pg_stat_activity"
                  + " WHERE application_name = 'ballast-load' AND wait_event_type = 'Lock'") >= 3);
        }
        confirmed = count(pg, pg.primaryPort, markers);
        killedAtMillis = pg.query(pg.primaryPort, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
        pg.killPrimary();
        String victim = chunkWorker(client, workers, processStage);
        workers.kill(victim != null ? victim : workers.identities().get(0));
        workers.launch();
        pg.promoteStandby();

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!running.isDone() && System.nanoTime() < deadline) {
          chunkErrors(client, processStage).stream().filter(e -> !e.isBlank()).forEach(errors::add);
          Thread.sleep(200);
        }
        counts = running.get(10, TimeUnit.SECONDS);
      } finally {
        stubs.shutdownNow();
        if (holdLoads != null) {
          try {
            holdLoads.close();
          } catch (SQLException goneWithThePrimary) {
            // the connection died with the primary it held the lock on
          }
        }
      }
    }
    long survived = count(pg, pg.standbyPort,
        markers + " AND loaded_at < to_timestamp(" + killedAtMillis + " / 1000.0)");
    System.out.printf("database failover (%s): %d markers confirmed before the primary died, %d survived;"
            + " %d rows; %.0f s; chunk errors seen: %s%n",
        synchronous ? "synchronous" : "asynchronous", confirmed, survived, counts.accepted(),
        (System.nanoTime() - started) / 1e9, errors);
    assertEquals(ROWS, counts.accepted());
    String lost = "primary 127.0.0.1:" + pg.primaryPort + " lost";
    assertTrue(errors.stream().anyMatch(e -> e.contains(lost) || e.contains("127.0.0.1:" + pg.primaryPort
        + " is a read-only standby")), "a chunk's error named the lost primary: " + errors);
    assertTrue(errors.stream().anyMatch(e -> e.contains("reconnected to host 127.0.0.1:" + pg.standbyPort)),
        "a chunk's error named the promoted standby: " + errors);
    return new Failover(pg, confirmed, survived, errors, counts.accepted());
  }

  /** The load markers of {@code job} tile {@code file} from its second line to its end, one per segment. */
  private static void assertMarkersTile(Failover f, String job, Path file) throws Exception {
    long headerEnd;
    try (var in = Files.newInputStream(file)) {
      long n = 0;
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        n++;
      }
      headerEnd = n + 1;
    }
    assertEquals(headerEnd + " " + Files.size(file) + " " + ROWS + " 0",
        f.queryNew("SELECT min(segment_start) || ' ' || max(segment_end) || ' ' || sum(rows) || ' ' || count(*)"
            + " FILTER (WHERE previous IS NOT NULL AND previous <> segment_start) FROM (SELECT segment_start,"
            + " segment_end, rows, lag(segment_end) OVER (ORDER BY segment_start) AS previous FROM " + MARKERS
            + " WHERE job_id = '" + job + "') m"),
        "markers from the first row to the file's end, each segment starting where the one before ended");
  }

  private static long count(PostgresPair pg, int port, String sql) {
    try {
      return pg.query(port, sql);
    } catch (SQLException e) {
      return 0; // the markers table does not exist yet
    }
  }

  /** The last errors of the stage's chunks being retried, as {@code ballast status} shows them. */
  private static List<String> chunkErrors(WorkflowClient client, String processStage) {
    List<String> errors = new ArrayList<>();
    for (PendingActivityInfo a : pending(client, processStage)) {
      if (a.hasLastFailure()) {
        for (Failure f = a.getLastFailure(); f != null; f = f.hasCause() ? f.getCause() : null) {
          errors.add(f.getMessage());
        }
      }
    }
    return errors;
  }

  /** The identity of a live worker running a chunk of the stage, or null. */
  private static String chunkWorker(WorkflowClient client, WorkerProcesses workers, String processStage) {
    for (PendingActivityInfo a : pending(client, processStage)) {
      if (a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          && workers.isRunning(a.getLastWorkerIdentity())) {
        return a.getLastWorkerIdentity();
      }
    }
    return null;
  }

  private static List<PendingActivityInfo> pending(WorkflowClient client, String workflowId) {
    try {
      return client.getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
          .getPendingActivitiesList();
    } catch (io.grpc.StatusRuntimeException notStartedYet) {
      return List.of();
    }
  }
}
