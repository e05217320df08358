package dev.ballast.starter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.WorkflowRuns;
import dev.ballast.api.model.JobProgress;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.job.source.Csv;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.testkit.TestPostgres;
import dev.ballast.worker.TemporalConnections;
import dev.ballast.worker.failover.WorkerProcesses;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ballast on a real Temporal server (the Temporal CLI's dev server, SQLite in a file), through the
 * real CLI: {@code ballast start} and {@code ballast watch} in this JVM, two {@code ballast worker}
 * processes (real JVMs running the CLI's {@code worker} command) shared by every test.
 *
 * <p>Then the server itself is killed ({@code kill -9}) while chunks are in flight, while a job
 * commits, and while a pipeline's load stage writes to PostgreSQL, and restarted on the same
 * database file and port. The same worker processes must reconnect by themselves, the same {@code
 * watch} must see the job to its end, and the outputs must be exactly those of an undisturbed run:
 * the event-sourced state of the server plus idempotent activities, shown rather than claimed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealServerDurabilityIT {
  private static final Duration LONG_WAIT = Duration.ofMinutes(3);

  @TempDir static Path dir;
  private static RealTemporalServer server;
  private static WorkerProcesses workers;
  private static List<String> workerIds;
  private static WorkflowServiceStubs stubs;
  private static WorkflowClient client;
  private static final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ballast-watch");
    t.setDaemon(true);
    return t;
  });

  @BeforeAll
  static void startServerAndTwoWorkers() throws Exception {
    // -Dballast.it.logs=DIR keeps the server's database and log and the workers' logs there.
    String kept = System.getProperty("ballast.it.logs");
    Path logs = kept != null ? Path.of(kept) : dir;
    server = RealTemporalServer.start(RealTemporalServer.options().in(logs.resolve("temporal")));
    workers = new WorkerProcesses(server.address(), logs.resolve("worker-logs"),
        Map.of("BALLAST_CHUNK_SLOTS", "2"), List.of(StarterMain.class.getName(), "worker"));
    workerIds = List.of(workers.start(), workers.start());
    for (String id : workerIds) {
      // BALLAST_STICKY is unset: auto must keep sticky execution on against a real server.
      workers.awaitLog(id, "Sticky execution on: connected to a Temporal cluster", Duration.ofSeconds(5));
    }
    stubs = TemporalConnections.connect(server.address());
    client = TemporalConnections.client(stubs, "default");
  }

  @AfterAll
  static void stopEverything() throws Exception {
    watchers.shutdownNow();
    if (stubs != null) {
      stubs.shutdownNow();
    }
    if (workers != null) {
      workers.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** start + watch through the CLI, two worker processes: outputs exact, exit codes as documented. */
  @Test
  @Order(1)
  void startAndWatchAJobThroughTheCliWithTwoWorkerProcesses() throws Exception {
    Path input = generate("e2e", 300_000, 1);
    writeSpec("e2e.json", "e2e", "e2e/in", "e2e/out");

    Cli.Result start = cli("start", "e2e.json");
    assertEquals(0, start.code(), start.out() + start.err());
    assertEquals("e2e", start.out().trim());
    Cli.Result watch = cli("watch", "e2e");
    assertEquals(0, watch.code(), watch.out() + watch.err());
    assertTrue(watch.out().contains("job e2e completed"), watch.out());

    assertPublishedExactly(dir.resolve("e2e/out"), reference(input));
    assertEquals(0, Cli.run(Map.of(), dir, "verify", "e2e/out").code());
    assertEquals(Set.of(workerIds.get(0), workerIds.get(1)), chunkWorkers("e2e"),
        "both worker processes ran chunks");

    Cli.Result again = cli("start", "e2e.json");
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, again.code(), again.out() + again.err());
    assertTrue(again.err().contains("already completed; pass --rerun"), again.err());
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, cli("watch", "no-such-job").code());
  }

  /** The server dies while chunks are in flight: nothing is lost or counted twice. */
  @Test
  @Order(2)
  void killingTheServerMidProcessLosesNothing() throws Exception {
    Path input = generate("crash-process", 600_000, 2);
    writeSpec("crash-process.json", "crash-process", "crash-process/in", "crash-process/out");
    assertEquals(0, cli("start", "crash-process.json").code());
    CompletableFuture<Cli.Result> watch = watchInBackground("crash-process");

    Strike before = await("the process stage with 3 chunks done and chunks in flight", LONG_WAIT, () ->
        strike("crash-process", 3, 4));
    // Down for longer than the process stage's heartbeat timeout (10 s by default): the chunks in
    // flight then count as timed out when the server is back, and are retried.
    Outage outage = killAndRestartServer(Duration.ofSeconds(15));

    JobProgress after = await("a chunk done after the restart", LONG_WAIT, () ->
        WorkflowQueries.jobProgress(client, "crash-process").filter(p -> p.chunksDone() > before.progress().chunksDone()));
    Instant firstChunk = Instant.now();
    Cli.Result watched = watch.get(LONG_WAIT.toMinutes(), TimeUnit.MINUTES);
    Instant finished = Instant.now();
    assertEquals(0, watched.code(), "the watch started before the crash saw the job through: "
        + watched.out() + watched.err());
    assertTrue(watched.out().contains("job crash-process completed"), watched.out());

    assertPublishedExactly(dir.resolve("crash-process/out"), reference(input));
    Map<String, Long> back = assertEachWorkerCameBack(outage);
    System.out.printf(
        "server killed mid-process (%d of %d chunks done, %d in flight): down %d ms (restart took %d ms);"
            + " after the restart: workers polling again at %s ms, first chunk done at %d ms (%d chunks"
            + " by then), job finished at %d ms%n",
        before.progress().chunksDone(), before.progress().chunksTotal(), before.inFlight(),
        outage.downMillis(), outage.restartMillis(), back,
        Duration.between(outage.restarted(), firstChunk).toMillis(), after.chunksDone(),
        Duration.between(outage.restarted(), finished).toMillis());
  }

  /**
   * The server dies while the job is in its commit stage: the result is published once. The commit
   * stage lasts a fraction of a second, so a strike that comes after the job already closed does
   * not count: the test runs another job, up to {@value #COMMIT_TRIES} in all.
   */
  @Test
  @Order(3)
  void killingTheServerDuringCommitPublishesOnce() throws Exception {
    List<String> missed = new ArrayList<>();
    for (int attempt = 1; attempt <= COMMIT_TRIES; attempt++) {
      String id = "crash-commit-" + attempt;
      Path input = generate(id, 200_000, 3 + attempt);
      writeSpec(id + ".json", id, id + "/in", id + "/out");
      assertEquals(0, cli("start", id + ".json").code());
      CompletableFuture<Cli.Result> watch = watchInBackground(id);

      // The commit stage is short: watch for its workflow as closely as the server answers.
      await("the commit stage to start", LONG_WAIT, () -> {
        try {
          return Optional.of(describe(id + "/commit"));
        } catch (StatusRuntimeException notYet) {
          return Optional.empty();
        }
      }, Duration.ofMillis(2));
      Outage outage = killAndRestartServer(Duration.ZERO);

      Cli.Result watched = watch.get(LONG_WAIT.toMinutes(), TimeUnit.MINUTES);
      Instant finished = Instant.now();
      assertEquals(0, watched.code(), watched.out() + watched.err());
      assertPublishedExactly(dir.resolve(id + "/out"), reference(input));
      Map<String, Long> back = assertEachWorkerCameBack(outage);

      Instant jobClosed = closeTime(describe(id));
      Instant commitClosed = closeTime(describe(id + "/commit"));
      if (!jobClosed.isAfter(outage.killed())) {
        missed.add(id + " closed at " + jobClosed + ", before the kill at " + outage.killed());
        continue;
      }
      System.out.printf(
          "server killed in the commit stage (commit workflow %s at the kill): down %d ms (restart took %d ms);"
              + " after the restart: workers polling again at %s ms, job finished at %d ms; missed before: %s%n",
          commitClosed.isAfter(outage.killed()) ? "still running" : "done, job not yet closed",
          outage.downMillis(), outage.restartMillis(), back,
          Duration.between(outage.restarted(), finished).toMillis(), missed);
      return;
    }
    fail("the server was never killed while a job was in its commit stage: " + missed);
  }

  private static final int COMMIT_TRIES = 3;

  /**
   * A settlement -> load pipeline: the server dies while the load stage writes segments
   * into PostgreSQL. The table ends exactly as the settlement computed independently says, and a
   * trigger counting insert attempts shows that no row was written twice.
   */
  @Test
  @Order(4)
  void killingTheServerMidLoadLeavesTheTableAsAnUndisturbedRun() throws Exception {
    TestPostgres pg = TestPostgres.require();
    String table = "durable_settlement_" + ProcessHandle.current().pid();
    sql(pg, "DROP TABLE IF EXISTS " + table);
    sql(pg, "DROP TABLE IF EXISTS " + table + "_attempts");
    sql(pg, "CREATE TABLE " + table + " (merchant_id text, date date, txn_count integer, gross_usd_cents bigint,"
        + " refunds_usd_cents bigint, net_usd_cents bigint, PRIMARY KEY (merchant_id, date))");
    sql(pg, "CREATE TABLE " + table + "_attempts (merchant_id text, date date)");
    sql(pg, "CREATE OR REPLACE FUNCTION " + table + "_count() RETURNS trigger AS $$ BEGIN INSERT INTO " + table
        + "_attempts VALUES (NEW.merchant_id, NEW.date); RETURN NEW; END $$ LANGUAGE plpgsql");
    sql(pg, "CREATE TRIGGER " + table + "_t BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
        + table + "_count()");
    try {
      // Three files of different merchants: a settlement of many groups, loaded in small chunks.
      List<Path> inputs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path file = dir.resolve("crash-pipeline/in/part-" + i + ".csv");
        Files.createDirectories(file.getParent());
        SampleGenerator.write(file, 100_000, 40 + i);
        inputs.add(file);
      }
      Files.writeString(dir.resolve("pw"), pg.password == null ? "" : pg.password);
      Files.writeString(dir.resolve("crash-pipeline.json"), "{\"id\": \"crash-pipeline\", \"stages\": ["
          + "{\"type\": \"settlement\", \"inputs\": [\"crash-pipeline/in\"], \"output\": \"crash-pipeline/settled\"},"
          + "{\"type\": \"load\", \"output\": \"crash-pipeline/loaded\", \"chunkBytes\": 16384, \"maxInFlight\": 2,"
          + " \"parameters\": {\"table\": \"" + table + "\", \"key\": [\"merchant_id\", \"date\"],"
          + " \"sumColumn\": \"net_usd_cents\", \"url\": \"" + pg.url + "\","
          + (pg.user == null ? "" : " \"user\": \"" + pg.user + "\",")
          + " \"passwordFile\": \"" + dir.resolve("pw") + "\"}}]}");
      ReferenceSettlement.Result expected = reference(inputs);

      Cli.Result start = cli("start", "crash-pipeline.json");
      assertEquals(0, start.code(), start.out() + start.err());
      CompletableFuture<Cli.Result> watch = watchInBackground("crash-pipeline");
      String loadJob = "crash-pipeline.2-load";
      Strike before = await("the load stage with chunks done and in flight", LONG_WAIT, () -> strike(loadJob, 2, 2));
      long rowsBefore = Long.parseLong(query(pg, "SELECT count(*) FROM " + table));
      Outage outage = killAndRestartServer(Duration.ofSeconds(5));
  
      Cli.Result watched = watch.get(LONG_WAIT.toMinutes(), TimeUnit.MINUTES);
      Instant finished = Instant.now();
      assertEquals(0, watched.code(), watched.out() + watched.err());
      assertTrue(watched.out().contains("pipeline crash-pipeline completed"), watched.out());
      Map<String, Long> back = assertEachWorkerCameBack(outage);

      assertPublishedExactly(dir.resolve("crash-pipeline/settled"), expected);
      List<String> expectedRows = new ArrayList<>();
      List<String> lines = expected.settlementCsv().lines().toList();
      for (String line : lines.subList(1, lines.size())) {
        expectedRows.add(String.join("|", Csv.split(line)));
      }
      List<String> tableRows = new ArrayList<>();
      try (Connection c = pg.connect(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT merchant_id, to_char(date, 'YYYY-MM-DD'), txn_count, gross_usd_cents,"
              + " refunds_usd_cents, net_usd_cents FROM " + table)) {
        while (r.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= 6; i++) {
            row.add(r.getString(i));
          }
          tableRows.add(String.join("|", row));
        }
      }
      assertEquals(new TreeSet<>(expectedRows), new TreeSet<>(tableRows), "the table holds exactly the settlement");
      assertEquals(expectedRows.size(), tableRows.size());
      assertEquals(expectedRows.size() + " " + expectedRows.size(),
          query(pg, "SELECT count(*) || ' ' || count(DISTINCT (merchant_id, date)) FROM " + table + "_attempts"),
          "every row written exactly once, though the server died mid-load");
      assertTrue(Files.readString(dir.resolve("crash-pipeline/loaded/load.json"))
          .contains("\"rows\" : " + expectedRows.size()));
      System.out.printf(
          "server killed mid-load (%d of %d load chunks done, %d of %d rows in the table): down %d ms"
              + " (restart took %d ms); after the restart: workers polling again at %s ms, pipeline"
              + " finished at %d ms%n",
          before.progress().chunksDone(), before.progress().chunksTotal(), rowsBefore, expectedRows.size(),
          outage.downMillis(), outage.restartMillis(), back,
          Duration.between(outage.restarted(), finished).toMillis());
    } finally {
      sql(pg, "DROP TABLE IF EXISTS " + table);
      sql(pg, "DROP TABLE IF EXISTS " + table + "_attempts");
      sql(pg, "DROP FUNCTION IF EXISTS " + table + "_count()");
    }
  }

  // ---- helpers ----

  /**
   * When the server was killed and when it answered again; {@code pollingAgain}: when each worker
   * was seen polling each of its task queues again, per queue and worker, in ms after the restart.
   */
  record Outage(Instant killed, Instant restarting, Instant restarted,
      CompletableFuture<Map<String, Long>> pollingAgain) {
    long downMillis() {
      return Duration.between(killed, restarted).toMillis();
    }

    long restartMillis() {
      return Duration.between(restarting, restarted).toMillis();
    }

    /** Waits until every worker polls every task queue again, and says when each started to. */
    Map<String, Long> awaitWorkersPollingAgain() throws Exception {
      return pollingAgain.get(3, TimeUnit.MINUTES);
    }
  }

  /**
   * {@code kill -9} of the server, which then stays down for {@code outage} (the scenario's length:
   * zero restarts it at once), then a restart on the same port and database file.
   */
  private static Outage killAndRestartServer(Duration outage) throws InterruptedException {
    long pid = server.pid();
    Instant killed = Instant.now();
    server.kill();
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server process gone");
    Thread.sleep(outage.toMillis());
    Instant restarting = Instant.now();
    server.restart();
    Instant restarted = Instant.now();
    return new Outage(killed, restarting, restarted,
        CompletableFuture.supplyAsync(() -> watchPollers(restarted), watchers));
  }

  /**
   * Watches the restarted server's lists of pollers (it keeps them in memory, so they start empty
   * and name a worker from its first poll on) until each worker polls the jobs queue for workflow
   * tasks and the chunks queue for activity tasks: the workers reconnected by themselves. Returns
   * when each did, in ms after the restart, by queue and worker.
   */
  private static Map<String, Long> watchPollers(Instant restarted) {
    Map<String, Long> seen = new java.util.TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (seen.size() < 2 * workerIds.size()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the worker processes did not all poll the restarted server again: " + seen);
      }
      try {
        for (String worker : pollers(TaskQueues.JOBS, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)) {
          seen.putIfAbsent("jobs/" + worker, Duration.between(restarted, Instant.now()).toMillis());
        }
        for (String worker : pollers(TaskQueues.CHUNKS, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)) {
          seen.putIfAbsent("chunks/" + worker, Duration.between(restarted, Instant.now()).toMillis());
        }
        Thread.sleep(100);
      } catch (StatusRuntimeException notYet) {
        // the test's own connection is reconnecting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return seen;
  }

  /** The identities of the workers polling {@code queue} for {@code type} tasks. */
  private static Set<String> pollers(String queue, TaskQueueType type) {
    Set<String> ours = new java.util.TreeSet<>(DrillProcesses.pollers(stubs, queue, type));
    ours.retainAll(workerIds);
    return ours;
  }

  /**
   * The same worker processes still run (none was restarted) and each of them, by itself, polls
   * the restarted server again. Returns when each did (see {@link #watchPollers}).
   */
  private static Map<String, Long> assertEachWorkerCameBack(Outage outage) throws Exception {
    assertWorkersAlive();
    return outage.awaitWorkersPollingAgain();
  }

  /** The worker processes started first all still run: none was restarted. */
  private static void assertWorkersAlive() {
    for (String id : workerIds) {
      assertTrue(workers.process(id).map(Process::isAlive).orElse(false), id + " still runs");
    }
  }

  private static Cli.Result cli(String... args) {
    String[] withAddress = new String[args.length + 2];
    System.arraycopy(args, 0, withAddress, 0, args.length);
    withAddress[args.length] = "--address";
    withAddress[args.length + 1] = server.address();
    return Cli.run(Map.of(), dir, withAddress);
  }

  /** {@code ballast watch ID} in this JVM, on a thread of its own, from now until the job ends. */
  private static CompletableFuture<Cli.Result> watchInBackground(String id) {
    return CompletableFuture.supplyAsync(() -> cli("watch", id), watchers);
  }

  private static Path generate(String name, int rows, long seed) throws IOException {
    Path input = dir.resolve(name).resolve("in").resolve("transactions.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, rows, seed);
    return input;
  }

  /** A job spec with 1 MiB chunks, four in flight: many chunks, some always running. */
  private static void writeSpec(String file, String id, String inputDir, String output) throws IOException {
    Files.writeString(dir.resolve(file), "{\"id\": \"" + id + "\", \"type\": \"settlement\", \"inputs\": [\""
        + inputDir + "\"], \"output\": \"" + output + "\", \"chunkBytes\": 1048576, \"maxInFlight\": 4}");
  }

  private static ReferenceSettlement.Result reference(Path input) throws IOException {
    return reference(List.of(input));
  }

  private static ReferenceSettlement.Result reference(List<Path> inputs) throws IOException {
    return ReferenceSettlement.compute(inputs, SettlementJobType.DEFAULT_RATES);
  }

  /** The published result equals the reference byte for byte; its manifest counts every row once. */
  private static void assertPublishedExactly(Path output, ReferenceSettlement.Result expected) throws IOException {
    assertArrayEquals(expected.settlementCsv().getBytes(UTF_8), Files.readAllBytes(output.resolve("settlement.csv")),
        "settlement.csv");
    assertArrayEquals(expected.rejectsJsonl().getBytes(UTF_8), Files.readAllBytes(output.resolve("rejects.jsonl")),
        "rejects.jsonl");
    Manifest.Tally counts = Manifest.read(output.resolve("manifest.json")).counts();
    assertEquals(new Manifest.Tally(expected.rows(), expected.accepted(), expected.pending(), expected.rejected()),
        counts, "the manifest's counts: every row counted once");
    assertEquals(List.of(), ManifestVerifier.verify(output));
  }

  /** The moment to strike: the job's progress and its chunks in flight. */
  record Strike(JobProgress progress, int inFlight) {}

  /**
   * The job's progress when it is in its process stage with at least {@code done} chunks done,
   * more than {@code left} still to do, and chunks in flight; empty otherwise.
   */
  private static Optional<Strike> strike(String jobId, int done, int left) {
    // The stage's own count: the job hears of progress only every few seconds.
    dev.ballast.api.model.ProcessProgress stage;
    try {
      stage = client.newWorkflowStub(dev.ballast.api.workflow.ProcessWorkflow.class, jobId + "/process").progress();
    } catch (RuntimeException notRunningYet) {
      return Optional.empty();
    }
    if (stage.chunksDone() < done || stage.chunksDone() >= stage.chunksTotal() - left) {
      return Optional.empty();
    }
    Optional<JobProgress> p = WorkflowQueries.jobProgress(client, jobId).filter(x -> "PROCESS".equals(x.stage()));
    if (p.isEmpty()) {
      return Optional.empty();
    }
    int inFlight = chunksInFlight(jobId);
    return inFlight > 0 ? Optional.of(new Strike(p.get(), inFlight)) : Optional.empty();
  }

  /** Chunk activities of the job currently running, started and not finished. */
  private static int chunksInFlight(String jobId) {
    try {
      return (int) describe(jobId + "/process").getPendingActivitiesList().stream()
          .filter(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
          .filter(a -> a.getActivityType().getName().equals("ProcessChunk"))
          .count();
    } catch (StatusRuntimeException notYet) {
      return 0;
    }
  }

  /** The identities of the workers that started chunks of {@code jobId}. */
  private static Set<String> chunkWorkers(String jobId) {
    Set<String> identities = new TreeSet<>();
    for (WorkflowExecutionHistory run : WorkflowRuns.of(client, jobId + "/process")) {
      for (HistoryEvent event : ChunkEvents.of(run.getEvents(), EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)) {
        identities.add(event.getActivityTaskStartedEventAttributes().getIdentity());
      }
    }
    return identities;
  }

  private static DescribeWorkflowExecutionResponse describe(String workflowId) {
    return stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS).describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build());
  }

  private static Instant closeTime(DescribeWorkflowExecutionResponse description) {
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        description.getWorkflowExecutionInfo().getStatus());
    var t = description.getWorkflowExecutionInfo().getCloseTime();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> condition)
      throws InterruptedException {
    return await(what, timeout, condition, Duration.ofMillis(50));
  }

  /** Polls {@code condition} until it holds (a value), failing after {@code timeout}. */
  private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> condition, Duration every)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        Optional<T> value = condition.get();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (RuntimeException notYet) { // e.g. the workflow does not exist yet
        last = notYet;
      }
      Thread.sleep(every.toMillis());
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what
        + (last == null ? "" : " (last: " + last + ")"));
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
