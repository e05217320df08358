package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Temporal Web UI, rendered by headless Chromium, showing a job on the embedded service:
 * the list with its status, the run's event history, the pending chunk with its heartbeat, the
 * progress query, and Completed at the end. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Needs Chromium ({@code apt-get install -y chromium}, or $BALLAST_CHROMIUM) and the built UI
 * (the default build). Missing either fails the test when {@code CI=true}, else skips it.
 */
class WebUiBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);
  private static final String JOB = "settlement-2024-06-30";

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

    try (LoopbackTemporal temporal = new LoopbackTemporal();
        UiServer ui =
            UiServer.start(
                UiOptions.loopback(temporal.target(), LoopbackTemporal.NAMESPACE, 0)
                    .withWorkerIdentities(() -> List.of(LoopbackTemporal.WORKER_IDENTITY)));
        CdpBrowser browser = new CdpBrowser(chromium.get(), temp.resolve("profile"))) {
      DemoWorkflow job =
          temporal.client.newWorkflowStub(
              DemoWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId(JOB).setTaskQueue(DemoWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(job::run, 2);
      temporal.awaitPendingActivity(JOB, Duration.ofSeconds(10));

      // The workflow list: the job, running.
      browser.navigate(ui.url() + "/");
      browser.waitForText("job in the workflow list", PAGE_TIMEOUT, SCREENSHOTS, JOB, "Running", "DemoSettlement");
      browser.screenshot(SCREENSHOTS.resolve("1-workflows-running.png"));

      // Its detail page: the event history.
      String run = ui.workflowUrl(JOB);
      browser.navigate(run);
      browser.waitFor(
          "event history",
          // The event feed groups events: the activity's scheduled/started events show as one row.
          "location.pathname.endsWith('/history') && document.body.innerText.includes('Event History')"
              + " && document.body.innerText.includes('ProcessChunk') && document.body.innerText.includes('Pending Activity')",
          PAGE_TIMEOUT,
          SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("2-history.png"));
      String runPath = browser.evaluate("location.pathname.replace(/\\/history$/, '')").getAsString();

      // Pending activities: the running chunk and its heartbeat details.
      browser.navigate(ui.url() + runPath + "/pending-activities");
      browser.waitForText("pending chunk with heartbeat", PAGE_TIMEOUT, SCREENSHOTS, "ProcessChunk", JOB + "/chunk-0: row");
      browser.screenshot(SCREENSHOTS.resolve("3-pending-activities.png"));

      // Queries: the progress query answers.
      browser.navigate(ui.url() + runPath + "/query");
      browser.waitFor("query form", "document.querySelector('[data-testid=\"query-select\"]')", PAGE_TIMEOUT, SCREENSHOTS);
      browser.evaluate(
          "(() => { const b = [...document.querySelectorAll('button')].find(b => /Run Query|Refresh/i.test(b.innerText));"
              + " if (b) b.click(); return !!b; })()");
      browser.waitFor(
          "progress query result",
          "document.body.textContent.includes('chunks 0/2 done') && document.body.innerText.includes('Query Type')",
          PAGE_TIMEOUT,
          SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("4-query-progress.png"));

      // Finish the job: the list shows it Completed.
      temporal.activities.releaseAll();
      WorkflowStub.fromTyped(job).getResult(20, java.util.concurrent.TimeUnit.SECONDS, String.class);
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
