package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobSpec;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Progress output, status of a failed chunk, and alerts, end to end on the embedded service (the
 * status of a failed chunk also on a real server).
 */
@Timeout(180)
class ObservabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JobProgress progress(String stage, int done, int total, long bytesDone, long bytesTotal, long rows) {
    return new JobProgress("j", "settlement", stage, false, done, total, bytesDone, bytesTotal,
        new Counts(rows, rows - 3, 0, 3), "2026-11-27T10:00:00Z", "processing");
  }

  @Test
  void plainProgressLineAndBarCarryRateEtaAndRejects() {
    JobProgress p = progress("PROCESS", 10, 40, 25_000_000, 100_000_000, 500_000);
    String line = ProgressText.format(p, Duration.ofSeconds(10));
    assertEquals(
        "PROCESS   chunks 10/40  rows 500,000  rejected 3  50,000 rows/s  2.5 MB/s  ETA 00:30  00:10",
        line);
    assertFalse(line.contains("\r"));

    String bar = ProgressText.bar(p, Duration.ofSeconds(10), 20);
    assertTrue(bar.startsWith("PROCESS [#####...............]  25%  10/40 chunks"), bar);
    assertTrue(bar.contains("500,000 rows  50,000 rows/s  ETA 00:30  rejected 3"), bar);

    // No ETA before any byte is done, nor outside the process stage.
    assertFalse(ProgressText.format(progress("PROCESS", 0, 40, 0, 100, 0), Duration.ofSeconds(1)).contains("ETA"));
    assertTrue(ProgressText.bar(progress("PLAN", 0, 0, 0, 0, 0), Duration.ofSeconds(1), 10).contains("ETA --:--"));
  }

  @Test
  void runOnANonTerminalPrintsPlainLinesOnly(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 2_000, 3);
    Cli.Result run =
        Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", input.toString(),
            "--output", dir.resolve("out").toString(), "--id", "plain-1");
    assertEquals(0, run.code(), run.out() + run.err());
    assertFalse(run.out().contains("\r"), run.out());
    assertFalse(run.out().contains("[#"), run.out());
    assertTrue(run.out().contains("job plain-1 completed"), run.out());
  }

  private static JobSpec options(Map<String, String> env, Path dir, String... args) {
    JobSpecOptions options = new JobSpecOptions();
    new picocli.CommandLine(options).parseArgs(args);
    return options.build(dir, env);
  }

  @Test
  void alertTargetsComeFromFlagsElseTheSpecElseTheEnvironment(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of(JobSpecOptions.ENV_ALERT_WEBHOOKS, "http://a.example/1, http://a.example/2");
    Files.writeString(dir.resolve("in.csv"), "");
    String[] base = {"--type", "settlement", "--input", "in.csv", "--output", "out"};
    assertEquals(
        List.of("http://a.example/1", "http://a.example/2"), options(env, dir, base).alerts().webhooks());
    assertEquals(null, options(Map.of(), dir, base).alerts());

    Path spec = spec(dir, "s", "http://spec.example/hook");
    JobSpec fromSpec = options(env, dir, spec.toString());
    assertEquals(List.of("http://spec.example/hook"), fromSpec.alerts().webhooks());
    assertFalse(fromSpec.alerts().reportsSuccess());

    JobSpec fromFlag =
        options(env, dir, spec.toString(), "--alert-webhook", "https://flag.example/x", "--alert-on-success");
    assertEquals(List.of("https://flag.example/x"), fromFlag.alerts().webhooks());
    assertTrue(fromFlag.alerts().reportsSuccess());

    Cli.Result bad =
        Cli.run(Map.of(), dir, "run", spec(dir, "bad", "ftp://nope.example/").toString());
    assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    assertTrue(bad.err().contains("alerts.webhooks"), bad.err());
  }

  /** A loopback webhook that records every POST body. */
  private static final class Webhook implements AutoCloseable {
    final HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();

    Webhook() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/hook",
          ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A spec whose job fails in the plan stage: its input lacks the settlement columns. */
  private static Path spec(Path dir, String id, String webhook) throws Exception {
    Files.writeString(dir.resolve("bad-header.csv"), "id,value\n1,2\n");
    Path spec = dir.resolve(id + ".json");
    Files.writeString(
        spec,
        "{\"id\": \"" + id + "\", \"type\": \"settlement\", \"inputs\": [\"bad-header.csv\"],"
            + " \"output\": \"out\", \"alerts\": {\"webhooks\": [\"" + webhook + "\"]}}");
    return spec;
  }

  @Test
  void aFailedJobSendsExactlyOneAlert(@TempDir Path dir) throws Exception {
    try (Webhook hook = new Webhook()) {
      Cli.Result run = Cli.run(Map.of(), dir, "run", spec(dir, "alert-1", hook.url()).toString());
      assertEquals(ExitCodes.JOB_FAILED, run.code(), run.out() + run.err());
      assertTrue(run.err().contains("BAD_HEADER"), run.err());
      assertEquals(1, hook.bodies.size(), hook.bodies.toString());
      JsonNode alert = JSON.readTree(hook.bodies.get(0));
      assertEquals("alert-1", alert.get("jobId").asText());
      assertEquals("FAILED", alert.get("event").asText());
      assertEquals("PLAN", alert.get("stage").asText());
      assertTrue(alert.get("text").asText().startsWith("Ballast job alert-1 (settlement) FAILED in plan: "),
          alert.get("text").asText());
      assertTrue(alert.get("message").asText().contains("bad-header.csv lacks required column"), alert.toString());
    }
  }

  @Test
  void aDeadWebhookDoesNotChangeHowTheJobEnds(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli.Result run =
        Cli.run(Map.of(), dir, "run", spec(dir, "alert-2", "http://127.0.0.1:" + port + "/hook").toString());
    assertEquals(ExitCodes.JOB_FAILED, run.code(), run.out() + run.err());
    assertEquals(1, run.errLines(), run.err());
    assertTrue(run.err().contains("BAD_HEADER"), run.err());
  }

  @ParameterizedTest(name = "on the {0} service")
  @EnumSource(TestTemporal.Kind.class)
  void statusOfAJobFailedAtAChunkNamesTheChunkItsAttemptsAndTheError(TestTemporal.Kind kind, @TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 2_000, 5);
    try (TestTemporal temporal = TestTemporal.start(kind)) {
      WorkerService worker =
          Guice.createInjector(new WorkerModule(WorkerSettings.defaults(temporal.address()).withChunkSlots(1)))
              .getInstance(WorkerService.class);
      worker.start();
      try {
        WorkflowClient client = worker.client();
        String id = "chunk-fail";
        JobSpec spec =
            new JobSpec(id, "settlement", List.of(input.toString()), dir.resolve("out").toString(),
                null, 16L * 1024, 1, null, null, null, null);
        // Start paused, so that no chunk runs before the input changes under it.
        WorkflowStub job =
            client.newUntypedWorkflowStub(
                "BallastJob",
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
        job.signalWithStart("pause", new Object[0], new Object[] {spec});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Optional<JobProgress> p = WorkflowQueries.jobProgress(client, id);
        while (p.isEmpty() || !"PROCESS".equals(p.get().stage()) || p.get().chunksTotal() == 0) {
          assertTrue(System.nanoTime() < deadline, "job never reached the process stage: " + p);
          Thread.sleep(50);
          p = WorkflowQueries.jobProgress(client, id);
        }
        try (RandomAccessFile file = new RandomAccessFile(input.toFile(), "rw")) {
          file.seek(file.length() - 2);
          file.write('9');
        }
        job.signal("resume");
        try {
          job.getResult(60, TimeUnit.SECONDS, Object.class);
        } catch (WorkflowFailedException expected) {
          // the job fails: its input changed
        }

        Map<String, String> env =
            Map.of("TEMPORAL_ADDRESS", temporal.address(), "BALLAST_UI_URL", "http://ui.example:8080/");
        Cli.Result status = Cli.run(env, dir, "status", id, "--json");
        assertEquals(0, status.code(), status.err());
        JsonNode json = JSON.readTree(status.out());
        assertEquals("FAILED", json.get("status").asText());
        assertEquals("INPUT_CHANGED", json.get("errorType").asText(), status.out());
        int chunks = p.get().chunksTotal();
        assertEquals(chunks - 1, json.get("failedChunk").asInt(), status.out());
        assertEquals("in.csv", json.get("failedChunkFile").asText());
        assertEquals(1, json.get("attempts").asInt());
        assertFalse(json.get("lastError").asText().isBlank());
        assertEquals("http://ui.example:8080/namespaces/default/workflows/chunk-fail", json.get("ui").asText());
        assertTrue(json.has("elapsed") && json.has("startedAt"), status.out());

        Cli.Result text = Cli.run(env, dir, "status", id);
        assertTrue(text.out().contains("failedChunk: " + (chunks - 1)), text.out());
        assertTrue(text.out().contains("ui: http://ui.example:8080/"), text.out());

        Cli.Result list = Cli.run(env, dir, "list", "--status", "failed");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("chunk-fail ") && l.contains("FAILED")), list.out());
      } finally {
        worker.stop();
      }
    }
  }
}
