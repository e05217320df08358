package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.activities.settlement.SampleGenerator;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Temporal Web UI, rendered by headless Chromium, showing a Ballast settlement job on the
 * embedded service: the list with its status, the run's event history, the process stage's pending
 * chunk with its heartbeat checkpoint, the progress query, and Completed at the end. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Needs Chromium ({@code apt-get install -y chromium}, or $BALLAST_CHROMIUM) and the built UI
 * (the default build). Missing either fails the test when {@code CI=true}, else skips it.
 */
class WebUiBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);
  private static final String JOB = "settlement-2024-06-30";

  /** A Ballast worker in this JVM whose chunk activities wait for {@link GatedChunkActivities#releaseAll()}. */
  static final class BallastWorker implements AutoCloseable {
    final WorkerService service;
    final GatedChunkActivities chunks;

    BallastWorker(String address) {
      WorkerSettings settings =
          WorkerSettings.defaults(address).withSticky(WorkerSettings.StickyMode.OFF).withChunkSlots(2);
      Injector injector =
          Guice.createInjector(
              Modules.override(new WorkerModule(settings))
                  .with(
                      binder -> {
                        binder.bind(GatedChunkActivities.class).in(Singleton.class);
                        binder.bind(ChunkActivitiesImpl.class).to(GatedChunkActivities.class);
                      }));
      chunks = injector.getInstance(GatedChunkActivities.class);
      service = injector.getInstance(WorkerService.class);
      service.start();
    }

    @Override
    public void close() {
      chunks.releaseAll();
      service.stop();
    }
  }

  /** Waits (bounded, polling) until the workflow has a pending activity that has heartbeated. */
  private static void awaitHeartbeatingChunk(WorkflowClient client, String workflowId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    DescribeWorkflowExecutionRequest request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build();
    while (true) {
      try {
        if (client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(request)
            .getPendingActivitiesList().stream().anyMatch(PendingActivityInfo::hasHeartbeatDetails)) {
          return;
        }
      } catch (io.grpc.StatusRuntimeException notStartedYet) {
        // the stage's workflow does not exist yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(workflowId + " has no heartbeating chunk after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  @TempDir Path temp;

  private static void require(boolean condition, String message) {
    if (condition) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message + " (skipped locally; fails when CI=true)");
  }

  @Test
  @Timeout(90)
  void showsARunningAndThenCompletedJob() throws Exception {
    Optional<Path> chromium = CdpBrowser.findChromium();
    require(chromium.isPresent(), "Chromium not found: apt-get install -y chromium, or set BALLAST_CHROMIUM");
    require(new StaticAssets(getClass().getClassLoader()).available(), "UI assets not built (-Dballast.ui.skipNpm=true?)");

    Path input = temp.resolve("transactions.csv");
    SampleGenerator.write(input, 50_000, 3);
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start(0);
        BallastWorker worker = new BallastWorker(temporal.address());
        UiServer ui =
            UiServer.start(
                UiOptions.loopback(temporal.address(), "default", 0)
                    .withPollers(temporal::pollers));
        CdpBrowser browser = new CdpBrowser(chromium.get(), temp.resolve("profile"))) {
      WorkflowClient client = worker.service.client();
      JobWorkflow job =
          client.newWorkflowStub(
              JobWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(JOB)
                  .setTaskQueue(TaskQueues.JOBS)
                  .setStaticSummary("settlement of transactions.csv into out/")
                  .build());
      WorkflowClient.start(
          job::run,
          new JobSpec(JOB, "settlement", List.of(input.toString()), temp.resolve("out").toString(),
              Map.of(), 1L << 20, 2, null, null, 1, null));
      awaitHeartbeatingChunk(client, JOB + "/process", Duration.ofSeconds(30));

      // The workflow list: the job, running.
      browser.navigate(ui.url() + "/");
      browser.waitForText("job in the workflow list", PAGE_TIMEOUT, SCREENSHOTS, JOB, "Running", "BallastJob");
      browser.screenshot(SCREENSHOTS.resolve("1-workflows-running.png"));

      // Its detail page: the event history.
      String run = ui.workflowUrl(JOB);
      browser.navigate(run);
      browser.waitFor(
          "event history",
          // The event feed groups events: the activity's scheduled/started events show as one row.
          // The job's own history holds its stages (child workflows); the event count shows in the tab.
          "location.pathname.endsWith('/history') && document.body.innerText.includes('Event History')"
              + " && /History\\s*[1-9][0-9]*/.test(document.body.innerText)"
              + " && /Relationships\\s*[1-9]/.test(document.body.innerText)",
          PAGE_TIMEOUT,
          SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("2-history.png"));
      String runPath = browser.evaluate("location.pathname.replace(/\\/history$/, '')").getAsString();

      // Pending activities of the process stage: a settlement chunk and its heartbeat checkpoint.
      browser.navigate(ui.workflowUrl(JOB + "/process"));
      browser.waitFor(
          "process stage page", "location.pathname.endsWith('/history')", PAGE_TIMEOUT, SCREENSHOTS);
      String processPath = browser.evaluate("location.pathname.replace(/\\/history$/, '')").getAsString();
      browser.navigate(ui.url() + processPath + "/pending-activities");
      browser.waitForText(
          "pending chunk with heartbeat", PAGE_TIMEOUT, SCREENSHOTS, "ProcessChunk", "Heartbeat Details", "offset");
      browser.screenshot(SCREENSHOTS.resolve("3-pending-activities.png"));

      // Queries: the progress query answers.
      browser.navigate(ui.url() + runPath + "/query");
      browser.waitFor("query form", "document.querySelector('[data-testid=\"query-select\"]')", PAGE_TIMEOUT, SCREENSHOTS);
      browser.evaluate(
          "(() => { const b = [...document.querySelectorAll('button')].find(b => /Run Query|Refresh/i.test(b.innerText));"
              + " if (b) b.click(); return !!b; })()");
      browser.waitFor(
          "progress query result",
          "document.body.textContent.includes('chunksTotal') && document.body.innerText.includes('Query Type')",
          PAGE_TIMEOUT,
          SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("4-query-progress.png"));

      // Finish the job: the list shows it Completed.
      worker.chunks.releaseAll();
      JobResult result =
          WorkflowStub.fromTyped(job).getResult(60, java.util.concurrent.TimeUnit.SECONDS, JobResult.class);
      assertTrue(result.counts().rows() == 50_000, "the job processed every row: " + result.counts());
      browser.navigate(ui.url() + "/namespaces/default/workflows");
      browser.waitForText("job completed in the list", PAGE_TIMEOUT, SCREENSHOTS, JOB, "Completed");
      browser.navigate(ui.url() + runPath + "/history");
      browser.waitFor(
          "completed run page",
          // The status badge; a closed run offers no cancellation.
          "document.body.innerText.includes('Completed') && !document.body.innerText.includes('Request Cancellation')",
          PAGE_TIMEOUT,
          SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("5-completed.png"));
      assertTrue(browser.text().contains(JOB));
    }
  }
}
