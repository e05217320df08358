package dev.ballast.worker.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.testkit.TestPostgres;
import dev.ballast.worker.TemporalConnections;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load job with real processes: worker JVMs load a CSV into PostgreSQL while a killer {@code
 * kill -9}s workers in the middle of chunks. Afterwards the table holds exactly the file's rows
 * and sums, and a trigger counting insert attempts shows that no row was ever written twice: a
 * replayed segment found its load marker.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoadFailoverIT {
  private static final int ROWS = 300_000;
  private static final int KILLS = 2;

  @TempDir Path dir;

  @Test
  void killedWorkersMidLoadLeaveTheTableEqualToTheFile() throws Exception {
    TestPostgres pg = TestPostgres.require();
    String table = "load_failover_" + ProcessHandle.current().pid();
    sql(pg, "DROP TABLE IF EXISTS " + table);
    sql(pg, "DROP TABLE IF EXISTS " + table + "_attempts");
    sql(pg, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, account text, amount bigint)");
    // One row per insert attempt, without a lock shared by concurrent chunks.
    sql(pg, "CREATE TABLE " + table + "_attempts (id bigint)");
    sql(pg, "CREATE OR REPLACE FUNCTION " + table + "_count() RETURNS trigger AS $$ BEGIN INSERT INTO " + table
        + "_attempts VALUES (NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql");
    sql(pg, "CREATE TRIGGER " + table + "_t BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
        + table + "_count()");

    Path input = dir.resolve("ledger.csv");
    Random random = new Random(11);
    StringBuilder csv = new StringBuilder("id,account,amount\n");
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < ROWS; i++) {
      long amount = random.nextInt(2_000_000) - 1_000_000;
      sum = sum.add(BigInteger.valueOf(amount));
      csv.append(i).append(",acct-").append(random.nextInt(5000)).append(',').append(amount).append('\n');
    }
    Files.writeString(input, csv);
    Path passwordFile = Files.writeString(dir.resolve("pg-password"), pg.password == null ? "" : pg.password);

    Map<String, Object> params = new HashMap<>();
    params.put("table", table);
    params.put("key", List.of("id"));
    params.put("sumColumn", "amount");
    params.put("url", pg.url);
    if (pg.user != null) {
      params.put("user", pg.user);
    }
    params.put("passwordFile", passwordFile.toString());
    StagePolicy policy = new StagePolicy(
        new RetrySpec(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1), 30, null),
        new TimeoutSpec(Duration.ofMinutes(10), Duration.ofSeconds(5), null, null));
    JobSpec spec = new JobSpec(
        "load-chaos", "load", List.of(input.toString()), dir.resolve("out").toString(), params,
        1L << 20, 3, null, Map.of("plan", policy, "process", policy, "merge", policy, "commit", policy), 1, 400);

    int kills = 0;
    JobResult result;
    try (EmbeddedTemporal server = EmbeddedTemporal.start(0);
        WorkerProcesses workers = new WorkerProcesses(server.address(), logs(),
            Map.of("BALLAST_CHUNK_SLOTS", "1"))) {
      for (int i = 0; i < 3; i++) {
        workers.start();
      }
      WorkflowServiceStubs stubs = TemporalConnections.connect(server.address());
      WorkflowClient client = TemporalConnections.client(stubs, "default");
      JobWorkflow job = client.newWorkflowStub(JobWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("load-chaos").setTaskQueue(TaskQueues.JOBS).build());
      CompletableFuture<JobResult> running = WorkflowClient.execute(job::run, spec);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (kills < KILLS && !running.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(150);
        String victim = chunkWorker(client, workers);
        if (victim != null && Long.parseLong(query(pg, "SELECT count(*) FROM " + table)) > 0) {
          // Some segments are committed: the victim dies between or inside transactions.
          workers.kill(victim);
          kills++;
          workers.launch();
        }
      }
      result = running.get(3, TimeUnit.MINUTES);
      stubs.shutdownNow();
    }

    assertTrue(kills >= 1, "the killer struck while chunks were loading");
    assertEquals(ROWS, result.counts().accepted());
    assertEquals(ROWS + " " + sum, query(pg, "SELECT count(*) || ' ' || sum(amount) FROM " + table));
    assertEquals(ROWS + " " + ROWS, query(pg, "SELECT count(*) || ' ' || count(DISTINCT id) FROM " + table + "_attempts"),
        "every row written exactly once, though " + kills + " workers died mid-load");
    String report = Files.readString(dir.resolve("out").resolve("load.json"));
    assertTrue(report.contains("\"rows\" : " + ROWS) && report.contains("\"sum\" : \"" + sum + "\""), report);
    System.out.printf("load chaos: %d kills, %d chunks retried, report %s%n", kills, result.retriedChunks(), report);
    sql(pg, "DROP TABLE " + table);
    sql(pg, "DROP TABLE " + table + "_attempts");
  }

  /** The workers' logs: under the test's directory, or where {@code ballast.it.logs} says (to keep them). */
  private Path logs() {
    String kept = System.getProperty("ballast.it.logs");
    return kept != null ? Path.of(kept) : dir.resolve("logs");
  }

  /** The identity of a live worker running a chunk of the job, or null. */
  private static String chunkWorker(WorkflowClient client, WorkerProcesses workers) {
    List<PendingActivityInfo> pending = new ArrayList<>();
    try {
      pending.addAll(client.getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId("load-chaos/process")).build())
          .getPendingActivitiesList());
    } catch (io.grpc.StatusRuntimeException notStartedYet) {
      return null;
    }
    for (PendingActivityInfo a : pending) {
      if (a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          && workers.isRunning(a.getLastWorkerIdentity())) {
        return a.getLastWorkerIdentity();
      }
    }
    return null;
  }

  private static void sql(TestPostgres pg, String statement) throws SQLException {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static String query(TestPostgres pg, String q) throws SQLException {
    try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(q)) {
      r.next();
      return r.getString(1);
    }
  }
}
