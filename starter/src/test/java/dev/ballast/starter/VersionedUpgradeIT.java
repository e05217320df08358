package dev.ballast.starter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.WorkflowRuns;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.workflow.ProcessWorkflow;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.worker.TemporalConnections;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkerVersioning;
import dev.ballast.worker.failover.WorkerProcesses;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade with versioned workers on a real server (the Temporal CLI's dev server): a job
 * started on build A, paused mid-process while build B's workers come up and B is made current,
 * finishes on A only - every workflow task (job, stages, every continue-as-new run of the process
 * stage) and every activity, told apart by the worker identity in the histories and the deployment
 * version the server recorded on each workflow task - with exact outputs; a job started after the
 * switch runs on B only; {@code ballast workers} shows both builds; {@code ballast workers --check}
 * fails while two unversioned builds poll. Takes 40-80 s on a 2-core machine.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VersionedUpgradeIT {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void aJobFinishesOnTheBuildItStartedOnWhileNewJobsGoToTheNewCurrentBuild() throws Exception {
    String kept = System.getProperty("ballast.it.logs");
    Path logs = kept != null ? Path.of(kept) : dir;
    List<WorkerService> unversioned = new ArrayList<>();
    try (RealTemporalServer server = RealTemporalServer.start(RealTemporalServer.options().in(logs.resolve("temporal")));
        WorkerProcesses buildA = new WorkerProcesses(server.address(), logs.resolve("build-a"),
            Map.of("BALLAST_BUILD_ID", "A", "BALLAST_IDENTITY", "build-a-worker", "BALLAST_CHUNK_SLOTS", "2"),
            List.of(StarterMain.class.getName(), "worker"));
        WorkerProcesses buildB = new WorkerProcesses(server.address(), logs.resolve("build-b"),
            Map.of("BALLAST_BUILD_ID", "B", "BALLAST_IDENTITY", "build-b-worker", "BALLAST_CHUNK_SLOTS", "2"),
            List.of(StarterMain.class.getName(), "worker"))) {
      WorkflowServiceStubs stubs = TemporalConnections.connect(server.address());
      try {
        WorkflowClient client = TemporalConnections.client(stubs, "default");
        // Each pool's one process runs under the identity its environment names (build-a-worker,
        // build-b-worker); a and b are the handles of their logs.
        String a = buildA.start();
        buildA.awaitLog(a, "Build A: version A of worker deployment ballast", Duration.ofSeconds(5));
        // The deployment's first version makes itself current (DeploymentBootstrap).
        await("build A current", () -> cli(server, "deploy", "status"),
            r -> r.code() == 0 && r.out().contains("current build A"));

        Path input = generate("in", 400_000, 7);
        // A low history limit: the process stage continues as new several times, on build A.
        spec("j1", "j1/out");
        assertEquals(0, cli(server, "start", "j1.json").code());
        await("j1's process stage with 3 chunks done and more than 10 left", () -> progress(client, "j1"),
            p -> p != null && p.chunksDone() >= 3 && p.chunksTotal() - p.chunksDone() > 10);
        assertEquals(0, cli(server, "pause", "j1").code());

        String b = buildB.start();
        buildB.awaitLog(b, "Build B: version B of worker deployment ballast", Duration.ofSeconds(5));
        // B is a version once its workers have polled.
        Cli.Result setCurrent = await("B made current", () -> cli(server, "deploy", "set-current", "B"),
            r -> r.code() == 0);
        assertTrue(setCurrent.out().contains("build B is now current in deployment ballast (was A)"), setCurrent.out());
        Instant switched = Instant.now();
        Cli.Result status = cli(server, "deploy", "status");
        assertTrue(status.out().contains("current build B"), status.out());
        assertTrue(status.out().contains("draining: A (2 running)"),
            "the paused job and its process stage still run on A: " + status.out());

        assertEquals(0, cli(server, "resume", "j1").code());
        spec("j2", "j2/out");
        assertEquals(0, cli(server, "start", "j2.json").code());
        Cli.Result j1 = cli(server, "watch", "j1");
        assertEquals(0, j1.code(), j1.out() + j1.err());
        Cli.Result j2 = cli(server, "watch", "j2");
        assertEquals(0, j2.code(), j2.out() + j2.err());

        ReferenceSettlement.Result expected = ReferenceSettlement.compute(List.of(input), SettlementJobType.DEFAULT_RATES);
        assertPublishedExactly(dir.resolve("j1/out"), expected);
        assertPublishedExactly(dir.resolve("j2/out"), expected);

        Builds j1Builds = builds(client, "j1");
        assertEquals(Set.of("build-a-worker"), j1Builds.identities(), "every task of j1 ran on build A: " + j1Builds);
        assertEquals(Set.of("A"), j1Builds.versions(), "the server recorded build A on every workflow task of j1");
        assertTrue(j1Builds.processRuns() >= 2, "the process stage continued as new: " + j1Builds);
        assertTrue(j1Builds.chunksStartedAfter(switched) >= 5,
            "j1's remaining chunks ran after B became current, on A: " + j1Builds);
        Builds j2Builds = builds(client, "j2");
        assertEquals(Set.of("build-b-worker"), j2Builds.identities(), "every task of j2 ran on build B: " + j2Builds);
        assertEquals(Set.of("B"), j2Builds.versions());

        Cli.Result workers = cli(server, "workers");
        assertEquals(0, workers.code(), workers.out() + workers.err());
        assertTrue(workers.out().contains("build A - versioned (deployment ballast), 1 worker"), workers.out());
        assertTrue(workers.out().contains("build B - versioned (deployment ballast), 1 worker"), workers.out());
        assertEquals(0, cli(server, "workers", "--check").code(), "two versioned builds are no problem");
        Cli.Result drained = cli(server, "deploy", "status");
        assertTrue(drained.out().contains("drained: A"), drained.out());

        // A pool upgraded without versioning: two builds polling unversioned.
        for (String build : List.of("C", "D")) {
          unversioned.add(startUnversioned(server.address(), build));
        }
        Cli.Result mixed = await("both unversioned builds listed", () -> cli(server, "workers", "--check"),
            r -> r.out().contains("build D - unversioned"));
        assertEquals(ExitCodes.JOB_FAILED, mixed.code(), mixed.out() + mixed.err());
        assertTrue(mixed.err().contains("2 builds poll without versioning (C, D)"), mixed.err());
        // The rest of the deploy command: a canary share, and the errors scripts rely on.
        assertEquals(0, cli(server, "deploy", "ramp", "A", "25").code());
        assertTrue(cli(server, "deploy", "status").out().contains("current build B, ramping build A at 25%"));
        assertEquals(ExitCodes.USAGE, cli(server, "deploy", "ramp", "B", "10").code(), "B is current");
        assertEquals(ExitCodes.USAGE, cli(server, "deploy", "ramp", "A", "101").code());
        Cli.Result unknown = cli(server, "deploy", "set-current", "Z");
        assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, unknown.code());
        assertTrue(unknown.err().contains("build Z is not a version of deployment ballast"), unknown.err());
        assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, cli(server, "deploy", "status", "--deployment", "other").code());
        System.out.printf("versioned upgrade: %s; %s%n", j1Builds, j2Builds);
      } finally {
        for (WorkerService w : unversioned) {
          w.stop();
        }
        stubs.shutdownNow();
      }
    }
  }

  /** The worker identities and recorded build ids of every task of a job, its stages and their runs. */
  record Builds(Set<String> identities, Set<String> versions, int processRuns, List<Instant> chunkStarts) {
    long chunksStartedAfter(Instant t) {
      return chunkStarts.stream().filter(s -> s.isAfter(t)).count();
    }

    @Override
    public String toString() {
      return "identities " + identities + ", versions " + versions + ", " + processRuns + " process runs, "
          + chunkStarts.size() + " chunks";
    }
  }

  private static Builds builds(WorkflowClient client, String jobId) {
    Set<String> identities = new TreeSet<>();
    Set<String> versions = new TreeSet<>();
    List<Instant> chunkStarts = new ArrayList<>();
    int processRuns = 0;
    for (String id : List.of(jobId, jobId + "/plan", jobId + "/process", jobId + "/merge", jobId + "/commit")) {
      List<WorkflowExecutionHistory> runs = WorkflowRuns.of(client, id);
      if (id.endsWith("/process")) {
        processRuns = runs.size();
      }
      for (WorkflowExecutionHistory run : runs) {
        List<HistoryEvent> events = run.getEvents();
        for (HistoryEvent e : events) {
          switch (e.getEventType()) {
            case EVENT_TYPE_WORKFLOW_TASK_STARTED -> identities.add(e.getWorkflowTaskStartedEventAttributes().getIdentity());
            case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
              identities.add(e.getWorkflowTaskCompletedEventAttributes().getIdentity());
              versions.add(e.getWorkflowTaskCompletedEventAttributes().getDeploymentVersion().getBuildId());
            }
            case EVENT_TYPE_ACTIVITY_TASK_STARTED -> identities.add(e.getActivityTaskStartedEventAttributes().getIdentity());
            case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> identities.add(e.getActivityTaskCompletedEventAttributes().getIdentity());
            default -> {}
          }
        }
        for (HistoryEvent e : ChunkEvents.of(events, io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)) {
          chunkStarts.add(Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos()));
        }
      }
    }
    return new Builds(identities, versions, processRuns, chunkStarts);
  }

  private static WorkerService startUnversioned(String address, String build) {
    WorkerSettings d = WorkerSettings.defaults(address).withQueues(List.of(TaskQueues.CHUNKS)).withChunkSlots(1);
    WorkerService w = Guice.createInjector(new WorkerModule(new WorkerSettings(d.address(), d.namespace(),
            d.queues(), d.chunkSlots(), d.sticky(), "unversioned-" + build, Duration.ofSeconds(1))))
        .getInstance(WorkerService.class);
    w.setVersioning(new WorkerVersioning("ballast", build, WorkerVersioning.Mode.OFF));
    w.withWarmUp(false);
    w.start();
    assertFalse(w.versioned());
    return w;
  }

  private static ProcessProgress progress(WorkflowClient client, String jobId) {
    try {
      return client.newWorkflowStub(ProcessWorkflow.class, jobId + "/process").progress();
    } catch (RuntimeException notRunningYet) {
      return null;
    }
  }

  private Path generate(String name, int rows, long seed) throws Exception {
    Path input = dir.resolve(name).resolve("transactions.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, rows, seed);
    return input;
  }

  private void spec(String id, String output) throws Exception {
    Files.writeString(dir.resolve(id + ".json"), "{\"id\": \"" + id + "\", \"type\": \"settlement\", \"inputs\":"
        + " [\"in\"], \"output\": \"" + output + "\", \"chunkBytes\": 1048576, \"maxInFlight\": 2,"
        + " \"historyEventLimit\": 100}");
  }

  private Cli.Result cli(RealTemporalServer server, String... args) {
    String[] withAddress = new String[args.length + 2];
    System.arraycopy(args, 0, withAddress, 0, args.length);
    withAddress[args.length] = "--address";
    withAddress[args.length + 1] = server.address();
    return Cli.run(Map.of(), dir, withAddress);
  }

  private static <T> T await(String what, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + WAIT + "; last: " + describe(last));
      }
      Thread.sleep(200);
      last = probe.get();
    }
    return last;
  }

  private static String describe(Object o) {
    return o instanceof Cli.Result r ? r.code() + " " + r.out() + r.err() : String.valueOf(o);
  }

  private static void assertPublishedExactly(Path output, ReferenceSettlement.Result expected) throws Exception {
    assertArrayEquals(expected.settlementCsv().getBytes(UTF_8), Files.readAllBytes(output.resolve("settlement.csv")),
        "settlement.csv");
    assertArrayEquals(expected.rejectsJsonl().getBytes(UTF_8), Files.readAllBytes(output.resolve("rejects.jsonl")),
        "rejects.jsonl");
    assertEquals(new Manifest.Tally(expected.rows(), expected.accepted(), expected.pending(), expected.rejected()),
        Manifest.read(output.resolve("manifest.json")).counts());
    assertEquals(List.of(), ManifestVerifier.verify(output));
  }
}
