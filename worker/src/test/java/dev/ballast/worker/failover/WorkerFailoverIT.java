package dev.ballast.worker.failover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.WorkflowRuns;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.testkit.TestTemporal.Kind;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.TemporalConnections;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The product's central promise, shown with real processes: three worker JVMs poll one Temporal
 * service (the embedded one, then a real server); a killer {@code kill -9}s the worker running a
 * chunk several times during a settlement job of four million rows, starting a replacement each time. The job must finish with
 * outputs byte-identical to an independent computation, every row counted once, and no staged
 * file left behind.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkerFailoverIT {
  private static final int ROWS = 4_000_000;
  private static final int KILLS = 4;
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
  /** Long on purpose: a failover bounded by this instead of the heartbeat would time the test out. */
  private static final Duration START_TO_CLOSE = Duration.ofMinutes(10);

  @TempDir static Path dir;
  private static Path input;
  private static ReferenceSettlement.Result expected;

  @BeforeAll
  static void generate() throws IOException {
    input = dir.resolve("in").resolve("transactions.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, ROWS, 42);
    expected = ReferenceSettlement.compute(List.of(input), SettlementJobType.DEFAULT_RATES);
  }

  /** A kill: when, which worker, which chunk activity it was running and at which attempt. */
  record Kill(Instant at, String worker, String stage, String activityId, int attempt) {}

  /**
   * On the embedded service the workers turn sticky execution off by themselves ({@code
   * BALLAST_STICKY=auto}); on a real server they keep it on, and the workflow tasks that a killed
   * worker held in its cache must move on after the server's sticky schedule-to-start timeout.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void killedWorkersLoseNoRowAndCountNoneTwice(Kind kind) throws Exception {
    String jobId = "chaos-" + kind.name().toLowerCase(java.util.Locale.ROOT);
    Path output = dir.resolve("out-" + jobId);

    List<Kill> kills = new ArrayList<>();
    JobResult result;
    List<WorkflowExecutionHistory> processRuns;
    List<String> workerLogs = new ArrayList<>();
    try (TestTemporal server = TestTemporal.start(kind);
        WorkerProcesses workers =
            new WorkerProcesses(server.address(), dir.resolve("logs-" + jobId),
                Map.of("BALLAST_CHUNK_SLOTS", "2"))) {
      for (int i = 0; i < 3; i++) {
        workerLogs.add(workers.start());
      }
      for (String worker : workerLogs) {
        // BALLAST_STICKY is unset: auto decides, and must decide by the service it finds.
        workers.awaitLog(worker, kind == Kind.REAL
            ? "Sticky execution on: connected to a Temporal cluster"
            : "Sticky execution off", Duration.ofSeconds(5));
      }
      WorkflowServiceStubs stubs = TemporalConnections.connect(server.address());
      WorkflowClient client = TemporalConnections.client(stubs, "default");
      JobWorkflow job = jobStub(client, jobId);
      CompletableFuture<JobResult> running =
          WorkflowClient.execute(job::run, spec(jobId, input, output, 2));

      Random random = new Random(7);
      while (kills.size() < KILLS && !running.isDone()) {
        Thread.sleep(250 + random.nextInt(450));
        Optional<Kill> kill = killAChunkWorker(client, jobId, job, workers, random);
        if (kill.isPresent()) {
          kills.add(kill.get());
          workers.launch(); // a replacement joins the pool while the job goes on
        }
      }
      result = running.get(3, TimeUnit.MINUTES);
      processRuns = WorkflowRuns.of(client, jobId + "/process");
      long sticky = stickyWorkflowTasks(WorkflowRuns.of(client, jobId))
          + stickyWorkflowTasks(processRuns);
      System.out.printf("%s: %d workflow tasks of the job and its process stage went to a sticky queue%n",
          kind, sticky);
      if (kind == Kind.REAL) {
        assertTrue(sticky > 0, "sticky execution is on against a real server");
      } else {
        assertEquals(0, sticky, "sticky execution is off on the embedded service");
      }
      stubs.shutdownNow();
    }

    assertPublishedExactly(output, jobId, result);
    assertTrue(kills.size() >= 3, "the killer struck several times before the job ended: " + kills);

    List<Long> failoverMillis = failoverTimes(kills, processRuns);
    System.out.printf(
        "%s: %d kills %s%n  failover (kill -> chunk restarted elsewhere), ms: %s%n"
            + "  chunks retried: %d of %d, bytes redone: %,d (%.2f%% of the input)%n",
        kind, kills.size(), kills.stream().map(k -> k.worker() + "@" + k.stage()).toList(),
        failoverMillis, result.retriedChunks(), result.chunks(), result.redoneBytes(),
        100.0 * result.redoneBytes() / Files.size(input));
    assertTrue(result.retriedChunks() >= 1, "at least one chunk was retried after a kill");
    // A retry resumes at the last checkpoint the server received: at worst the chunk's start. A
    // chunk ends at the first line end at or after chunkBytes: at most chunkBytes plus one line.
    long largestChunk = spec("bound", input, output, 1).chunkBytes() + longestLineBytes(input);
    assertTrue(result.redoneBytes() <= result.retriedChunks() * largestChunk,
        "redone " + result.redoneBytes() + " bytes in " + result.retriedChunks() + " retried chunks of at most "
            + largestChunk + " bytes each");
    // A chunk may finish in the instant before its worker dies: then it needs no second attempt.
    assertFalse(failoverMillis.isEmpty(), "killed chunks restarted elsewhere");
    for (long millis : failoverMillis) {
      // Heartbeat timeout + retry backoff, plus a lost task when the service had handed it to
      // the dead worker's open poll (then a workflow task timeout, 10 s); never start-to-close.
      assertTrue(
          millis < 60_000,
          "failover bounded by the heartbeat timeout, not start-to-close: " + failoverMillis);
    }
  }

  /** Workflow tasks scheduled on a worker's sticky queue rather than the jobs queue. */
  private static long stickyWorkflowTasks(List<WorkflowExecutionHistory> runs) {
    return runs.stream()
        .flatMap(run -> run.getEvents().stream())
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
        .filter(e -> e.getWorkflowTaskScheduledEventAttributes().getTaskQueue().getKind()
            == TaskQueueKind.TASK_QUEUE_KIND_STICKY)
        .count();
  }

  /**
   * A rolling restart: every worker, one after another, gets SIGTERM while the job runs (after a
   * replacement has joined). Each drains and exits 0; the job loses nothing.
   */
  @Test
  void aRollingRestartOfEveryWorkerLosesNothing() throws Exception {
    Path output = dir.resolve("out-rolling");
    JobResult result;
    List<String> drains = new ArrayList<>();
    try (EmbeddedTemporal server = EmbeddedTemporal.start(0);
        WorkerProcesses workers =
            new WorkerProcesses(server.address(), dir.resolve("logs-rolling"),
                Map.of("BALLAST_CHUNK_SLOTS", "2", "BALLAST_DRAIN_SECONDS", "20"))) {
      List<String> originals = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        originals.add(workers.start());
      }
      WorkflowServiceStubs stubs = TemporalConnections.connect(server.address());
      WorkflowClient client = TemporalConnections.client(stubs, "default");
      JobWorkflow job = jobStub(client, "rolling");
      CompletableFuture<JobResult> running =
          WorkflowClient.execute(job::run, spec("rolling", input, output, 3));
      awaitChunksDone(job, running, 1);
      for (String old : originals) {
        workers.start();
        long begin = System.nanoTime();
        int exit = workers.terminate(old, Duration.ofSeconds(40));
        drains.add(old + " exit " + exit + " after " + (System.nanoTime() - begin) / 1_000_000 + " ms");
        assertEquals(0, exit, "a worker stopped by SIGTERM exits 0: " + drains);
      }
      result = running.get(3, TimeUnit.MINUTES);
      stubs.shutdownNow();
    }
    System.out.printf("rolling restart: %s; chunks retried %d of %d%n",
        drains, result.retriedChunks(), result.chunks());
    assertPublishedExactly(output, "rolling", result);
  }

  private static JobWorkflow jobStub(WorkflowClient client, String id) {
    return client.newWorkflowStub(
        JobWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
  }

  private static void awaitChunksDone(JobWorkflow job, CompletableFuture<JobResult> running, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !running.isDone()) {
      if (job.progress().chunksDone() >= n) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the job did not get going");
  }

  /** The published result equals the reference byte for byte, and nothing else is left. */
  private static void assertPublishedExactly(Path output, String jobId, JobResult result)
      throws IOException {
    assertArrayEquals(
        expected.settlementCsv().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Files.readAllBytes(output.resolve("settlement.csv")), "settlement.csv");
    assertArrayEquals(
        expected.rejectsJsonl().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Files.readAllBytes(output.resolve("rejects.jsonl")), "rejects.jsonl");
    Counts counts =
        new Counts(expected.rows(), expected.accepted(), expected.pending(), expected.rejected());
    assertEquals(counts, result.counts());
    assertEquals(ROWS, Manifest.read(output.resolve("manifest.json")).counts().rows());
    assertEquals(List.of(), ManifestVerifier.verify(output));
    assertEquals(
        Set.of(".ballast", "manifest.json", "rejects.jsonl", "settlement.csv"), listing(output));
    assertFalse(
        Files.exists(StagingLayout.forJob(output, jobId).dir()), "staging area cleaned up");
  }

  /** A spec with short heartbeat timeouts and enough retries for repeated kills. */
  static JobSpec spec(String id, Path input, Path output, int maxInFlight) {
    StagePolicy policy =
        new StagePolicy(
            new RetrySpec(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1), 30, null),
            new TimeoutSpec(START_TO_CLOSE, HEARTBEAT_TIMEOUT, null, null));
    return new JobSpec(
        id, "settlement", List.of(input.toString()), output.toString(), Map.of(),
        2L << 20, maxInFlight, null,
        Map.of("plan", policy, "process", policy, "merge", policy, "commit", policy),
        1, 400);
  }

  /** Finds a chunk being processed and kill -9s its worker. */
  private static Optional<Kill> killAChunkWorker(
      WorkflowClient client, String jobId, JobWorkflow job, WorkerProcesses workers, Random random)
      throws InterruptedException {
    String stage;
    try {
      stage = job.progress().stage();
    } catch (io.temporal.client.WorkflowQueryException notNow) {
      // A query that lands on a worker that was just killed, or races its replay, fails: the
      // killer looks again on its next round (the job's outcome is what the test checks).
      System.out.println("progress query failed, trying later: " + notNow.getCause());
      return Optional.empty();
    }
    List<PendingActivityInfo> started = new ArrayList<>();
    try {
      for (PendingActivityInfo activity : describe(client, jobId + "/process")) {
        if (activity.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
            && workers.isRunning(activity.getLastWorkerIdentity())) {
          started.add(activity);
        }
      }
    } catch (io.grpc.StatusRuntimeException notStartedYet) {
      return Optional.empty();
    }
    if (started.isEmpty()) {
      return Optional.empty();
    }
    PendingActivityInfo victim = started.get(random.nextInt(started.size()));
    workers.kill(victim.getLastWorkerIdentity());
    return Optional.of(
        new Kill(Instant.now(), victim.getLastWorkerIdentity(), stage, victim.getActivityId(),
            victim.getAttempt()));
  }

  private static List<PendingActivityInfo> describe(WorkflowClient client, String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getPendingActivitiesList();
  }


  /**
   * For each kill, the time until the killed chunk's next attempt started on another worker, read
   * from the process stage's histories (a started event records the last attempt's start).
   */
  private static List<Long> failoverTimes(
      List<Kill> kills, List<WorkflowExecutionHistory> processRuns) {
    List<Long> times = new ArrayList<>();
    for (Kill kill : kills) {
      for (WorkflowExecutionHistory run : processRuns) {
        long scheduledId = -1;
        for (HistoryEvent event : run.getEvents()) {
          if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              && event.getActivityTaskScheduledEventAttributes().getActivityId()
                  .equals(kill.activityId())) {
            scheduledId = event.getEventId();
          }
          if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
              && event.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduledId
              && event.getActivityTaskStartedEventAttributes().getAttempt() > kill.attempt()) {
            Instant restarted =
                Instant.ofEpochSecond(
                    event.getEventTime().getSeconds(), event.getEventTime().getNanos());
            times.add(Duration.between(kill.at(), restarted).toMillis());
          }
        }
      }
    }
    return times;
  }

  private static Set<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** The length in bytes of the longest line of {@code file}, its line feed included. */
  private static long longestLineBytes(Path file) throws IOException {
    long longest = 0;
    long line = 0;
    byte[] buffer = new byte[1 << 16];
    try (java.io.InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          line++;
          if (buffer[i] == '\n') {
            longest = Math.max(longest, line);
            line = 0;
          }
        }
      }
    }
    return Math.max(longest, line);
  }
}
