package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import dev.ballast.api.TaskQueues;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkerVersioning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast workers} and {@code ballast deploy} on the embedded service, which has no worker
 * deployments: workers run unversioned (and report their build), {@code workers} lists them by
 * build from the polls the embedded service recorded, {@code deploy} exits 7 with one line. The
 * real-server side is {@code VersionedUpgradeIT}.
 */
@Timeout(120)
class WorkerPoolCommandsTest {
  @TempDir Path dir;
  private TestTemporal temporal;
  private final List<WorkerService> workers = new ArrayList<>();

  @BeforeEach
  void start() {
    temporal = TestTemporal.start(TestTemporal.Kind.EMBEDDED);
  }

  @AfterEach
  void stop() {
    for (WorkerService w : workers) {
      w.stop();
    }
    temporal.close();
  }

  @Test
  void deployOnTheEmbeddedServiceExitsSixWithOneLine() {
    for (String[] args : List.of(
        new String[] {"deploy", "status"},
        new String[] {"deploy", "set-current", "b"},
        new String[] {"deploy", "ramp", "b", "10"})) {
      Cli.Result r = cli(args);
      assertEquals(ExitCodes.NOT_SUPPORTED, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
      assertEquals(1, r.errLines(), r.err());
      assertTrue(r.err().contains("no worker deployments"), r.err());
    }
  }

  @Test
  void aWorkerThatRequiresVersioningRefusesTheEmbeddedServiceWithExitTwo() {
    Cli.Result r = Cli.run(
        Map.of("TEMPORAL_ADDRESS", temporal.address(), "BALLAST_VERSIONING", "on"), dir, "worker");
    assertEquals(ExitCodes.USAGE, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("BALLAST_VERSIONING=on, but this Temporal service has no worker deployments"), r.err());
    Cli.Result bad = Cli.run(
        Map.of("TEMPORAL_ADDRESS", temporal.address(), "BALLAST_VERSIONING", "sometimes"), dir, "worker");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertTrue(bad.err().contains("BALLAST_VERSIONING must be auto, on or off"), bad.err());
  }

  @Test
  void workersListsEachBuildAndCheckFailsWhenTwoUnversionedBuildsPoll() throws Exception {
    Cli.Result none = cli("workers", "--check");
    assertEquals(ExitCodes.JOB_FAILED, none.code(), "no poller at all is a warning: " + none.out() + none.err());
    assertTrue(none.err().contains(TaskQueues.CHUNKS + " (activity tasks) has no poller"), none.err());

    WorkerService a = startWorker("worker-a", "build-a", List.of(TaskQueues.JOBS, TaskQueues.CHUNKS));
    assertFalse(a.versioned(), "the embedded service has no deployments: the worker runs unversioned");
    Cli.Result one = await(() -> cli("workers", "--check"), r -> r.code() == 0);
    assertTrue(one.out().contains("build build-a - unversioned, 1 worker"), one.out());
    assertTrue(one.out().contains("worker-a  " + TaskQueues.JOBS + "/workflow"), one.out());
    assertEquals("", one.err());

    startWorker("worker-b", "build-b", List.of(TaskQueues.CHUNKS));
    Cli.Result mixed = await(() -> cli("workers", "--check"), r -> r.out().contains("build-b"));
    assertEquals(ExitCodes.JOB_FAILED, mixed.code(), mixed.out() + mixed.err());
    assertTrue(mixed.err().contains("2 builds poll without versioning (build-a, build-b)"), mixed.err());
    assertEquals(0, cli("workers").code(), "without --check a warning does not fail");

    JsonNode json = new ObjectMapper().readTree(cli("workers", "--json").out());
    assertEquals(2, json.get("builds").size(), json.toPrettyString());
    JsonNode b = json.get("builds").get(1);
    assertEquals("build-b", b.get("buildId").asText());
    assertFalse(b.get("versioned").asBoolean());
    assertEquals("worker-b", b.get("pollers").get(0).get("identity").asText());
    assertEquals(TaskQueues.CHUNKS, b.get("pollers").get(0).get("taskQueue").asText());
    assertEquals(1, json.get("warnings").size());
  }

  private WorkerService startWorker(String identity, String build, List<String> queues) {
    WorkerSettings defaults = WorkerSettings.defaults(temporal.address()).withQueues(queues).withChunkSlots(1);
    WorkerSettings settings = new WorkerSettings(defaults.address(), defaults.namespace(), defaults.queues(),
        defaults.chunkSlots(), defaults.sticky(), identity, Duration.ofSeconds(1));
    WorkerService w = Guice.createInjector(new WorkerModule(settings)).getInstance(WorkerService.class);
    w.setVersioning(new WorkerVersioning("ballast", build, WorkerVersioning.Mode.AUTO));
    w.withWarmUp(false);
    w.start();
    workers.add(w);
    return w;
  }

  private Cli.Result cli(String... args) {
    return Cli.run(Map.of("TEMPORAL_ADDRESS", temporal.address()), dir, args);
  }

  private static Cli.Result await(Supplier<Cli.Result> run, java.util.function.Predicate<Cli.Result> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Cli.Result last = run.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + last.out() + last.err());
      }
      Thread.sleep(100);
      last = run.get();
    }
    return last;
  }
}
