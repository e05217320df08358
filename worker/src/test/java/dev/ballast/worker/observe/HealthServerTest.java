package dev.ballast.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class HealthServerTest {
  private static final Pattern ROWS =
      Pattern.compile("(?m)^ballast_rows_processed_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$");

  private static EmbeddedTemporal temporal;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTemporal() {
    temporal = EmbeddedTemporal.start(0);
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long rowsProcessed(int port) throws Exception {
    HttpResponse<String> metrics = get(port, HealthServer.METRICS);
    assertEquals(200, metrics.statusCode());
    Matcher m = ROWS.matcher(metrics.body());
    assertTrue(m.find(), metrics.body());
    return (long) Double.parseDouble(m.group(1));
  }

  private long awaitRows(int port, LongPredicate condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long rows = rowsProcessed(port);
    while (!condition.test(rows)) {
      assertTrue(System.nanoTime() < deadline, "rows processed stayed at " + rows);
      Thread.sleep(20);
      rows = rowsProcessed(port);
    }
    return rows;
  }

  @Test
  void portComesFromTheEnvironmentAndIsOffByDefault() {
    assertNull(HealthServer.portFromEnv(Map.of()));
    assertNull(HealthServer.portFromEnv(Map.of(HealthServer.ENV_PORT, " ")));
    assertEquals(9464, HealthServer.portFromEnv(Map.of(HealthServer.ENV_PORT, "9464")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HealthServer.portFromEnv(Map.of(HealthServer.ENV_PORT, "ninety")));
    assertTrue(e.getMessage().contains(HealthServer.ENV_PORT), e.getMessage());
  }

  @Test
  void probesFollowTheWorkerAndMetricsShowRowsIncreasingDuringAJob(@TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 20_000, 7);
    WorkerSettings settings = WorkerSettings.defaults(temporal.address()).withChunkSlots(1);
    WorkerService service =
        Guice.createInjector(new WorkerModule(settings)).getInstance(WorkerService.class);
    try (HealthServer health = HealthServer.forWorker(service, "127.0.0.1", 0)) {
      int port = health.port();
      assertEquals(200, get(port, HealthServer.HEALTHZ).statusCode());
      assertEquals(503, get(port, HealthServer.READYZ).statusCode(), "not ready before polling");
      service.start();
      try {
        assertEquals(200, get(port, HealthServer.READYZ).statusCode());
        assertEquals(0, rowsProcessed(port));

        WorkflowClient client = service.client();
        String id = "metrics-job";
        JobSpec spec =
            new JobSpec(id, "settlement", List.of(input.toString()), dir.resolve("out").toString(),
                null, 64L * 1024, 1, null, null, null, null);
        JobWorkflow job =
            client.newWorkflowStub(
                JobWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
        WorkflowClient.start(job::run, spec);

        // Some chunks done: pause, so the job is certainly still running while we look.
        long early = awaitRows(port, rows -> rows > 0, Duration.ofSeconds(60));
        client.newWorkflowStub(JobWorkflow.class, id).pause();
        WorkflowStub stub = client.newUntypedWorkflowStub(id);
        assertEquals(
            WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, stub.describe().getStatus());
        assertTrue(early < 20_000, "rows so far " + early);

        client.newWorkflowStub(JobWorkflow.class, id).resume();
        JobResult result = stub.getResult(60, TimeUnit.SECONDS, JobResult.class);
        assertEquals(20_000, result.counts().rows());
        long done = awaitRows(port, rows -> rows == 20_000, Duration.ofSeconds(10));
        assertTrue(done > early);

        String body = get(port, HealthServer.METRICS).body();
        assertTrue(body.contains("ballast_jobs_total{outcome=\"completed\"} 1.0"), body);
        assertTrue(body.contains("ballast_chunk_duration_seconds_count{outcome=\"success\"}"), body);
        // The Temporal SDK's own worker metrics reach the same registry.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!body.contains("temporal_")) {
          assertTrue(System.nanoTime() < deadline, "no temporal_ metrics in\n" + body);
          Thread.sleep(100);
          body = get(port, HealthServer.METRICS).body();
        }
      } finally {
        service.stop();
      }
      assertEquals(503, get(port, HealthServer.READYZ).statusCode(), "not ready once stopped");
    }
  }
}
