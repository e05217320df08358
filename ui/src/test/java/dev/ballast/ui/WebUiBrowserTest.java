package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.model.JobResult;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.job.policy.Stage;
import io.temporal.api.history.v1.History;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal Web UI on the embedded service, through Ballast's bridge, in headless Chromium: every
 * page of a completed job and of a running one (chunks pending) shows what a real server's UI shows
 * for the same jobs ({@link RealWebUiBrowserTest}), checked against the service's own answers over
 * gRPC. Any console error, uncaught exception, failed request or toast fails the test, as do
 * {@code null} input or result, and a wrong Relationships, Workers, Pending Activities or History
 * count. Screenshots go to {@code target/screenshots/embedded/}.
 *
 * <p>Needs Chromium ({@code apt-get install -y chromium}, or $BALLAST_CHROMIUM) and the built UI
 * (the default build). Missing either fails the test when {@code CI=true}, else skips it.
 */
class WebUiBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots", "embedded");

  @TempDir Path temp;

  private static long shownNumber(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+(\\d+)").matcher(text);
    assertTrue(m.find(), label + " shows a number:\n" + text);
    return Long.parseLong(m.group(1));
  }

  @Test
  @Timeout(240)
  void everyPageOfARunningAndACompletedJobIsTrue() throws Exception {
    Optional<Path> chromium = CdpBrowser.findChromium();
    UiPages.require(chromium.isPresent(), "Chromium not found: apt-get install -y chromium, or set BALLAST_CHROMIUM");
    UiPages.require(new StaticAssets(getClass().getClassLoader()).available(), "UI assets not built (-Dballast.ui.skipNpm=true?)");
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start(0);
        SettlementScenario jobs = new SettlementScenario(temporal.address(), temp, false);
        UiServer server = UiServer.start(UiOptions.loopback(temporal.address(), "default", 0).withPollers(temporal::pollers));
        CdpBrowser browser = new CdpBrowser(chromium.get(), temp.resolve("profile"))) {
      UiPages ui = new UiPages(browser, server.url(), SCREENSHOTS);
      String done = SettlementScenario.DONE;
      String running = SettlementScenario.RUNNING;
      String process = JobWorkflow.stageId(running, Stage.PROCESS);
      String doneRun = jobs.describe(done).getWorkflowExecutionInfo().getExecution().getRunId();
      String runningRun = jobs.describe(running).getWorkflowExecutionInfo().getExecution().getRunId();
      String processRun = jobs.describe(process).getWorkflowExecutionInfo().getExecution().getRunId();

      // The list: both jobs and their stages (4 + 2), the running ones first.
      ui.open("/namespaces/default/workflows");
      ui.waitFor("the workflow list", "/8\\s+Workflows/.test(document.body.innerText)"
          + " && document.body.innerText.includes('" + done + "/commit')");
      ui.waitForText("the embedded service says what it cannot count", "it counts no State Transitions");
      ui.assertNoErrors("the workflow list");
      ui.screenshot("embedded-ui-workflows.png");

      // The completed job: input, result, history, its four stages, the worker that polls.
      ui.open(UiPages.runPage(done, doneRun, "history"));
      ui.waitForText("input and result", "Input", "Result", "\"type\": \"settlement\"",
          "\"rows\": " + jobs.doneResult.counts().rows());
      assertFalse(ui.text().matches("(?s).*(Input|Result)\\s+null\\s.*"), "input or result null:\n" + ui.text());
      ui.assertTabCount("History", (int) jobs.describe(done).getWorkflowExecutionInfo().getHistoryLength());
      History history = jobs.client.fetchHistory(done).getHistory();
      ui.waitFor("history size", "/History Size \\(Bytes\\)\\s+[0-9]+/.test(document.body.innerText)");
      assertEquals(history.getSerializedSize(), shownNumber(ui.text(), "History Size (Bytes)"), "history size");
      ui.assertTabCount("Relationships", jobs.stageWorkflows(done).size());
      ui.assertTabCount("Workers", 1);
      ui.assertTabCount("Pending Activities", 0);
      ui.waitForText("the event feed", "Workflow Execution Completed", "Workflow Execution Started");
      ui.assertNoErrors("the completed job's history");
      ui.screenshot("embedded-ui-completed-job.png");

      for (String view : List.of("history/compact", "history/json")) {
        ui.open(UiPages.runPage(done, doneRun, view));
        // The JSON view's editor holds the events outside the page text: the view must load, error-free.
        ui.waitForText(view, view.endsWith("json") ? "Event History" : "Workflow Execution Completed");
        Thread.sleep(1000);
        ui.assertNoErrors(view);
      }

      ui.open(UiPages.runPage(done, doneRun, "relationships"));
      assertEquals(4, jobs.stageWorkflows(done).size(), "four stages ran");
      ui.waitForText("the four stage workflows", jobs.stageWorkflows(done).toArray(String[]::new));
      ui.assertNoErrors("relationships");
      ui.screenshot("embedded-ui-relationships.png");

      ui.open(UiPages.runPage(done, doneRun, "workers"));
      ui.waitForText("the worker polling the jobs queue", SettlementScenario.WORKER_IDENTITY);
      assertFalse(ui.text().contains("No Workers Running"), ui.text());
      ui.assertNoErrors("workers");

      // The running job: its stages so far, its current details, the progress query.
      ui.open(UiPages.runPage(running, runningRun, "history"));
      ui.assertTabCount("Relationships", jobs.stageWorkflows(running).size());
      ui.assertTabCount("Workers", 1);
      browser.evaluate(
          "[...document.querySelectorAll('button')].filter(b => /^(Current Details|Summary & Details)/"
              + ".test((b.innerText || '').trim())).forEach(b => b.click())");
      ui.assertIframeShows("the current details", jobs.currentDetails(running));
      ui.assertNoErrors("the running job");

      ui.open(UiPages.runPage(running, runningRun, "query"));
      UiPages.assertShowsProgress(ui.runProgressQuery(), jobs.progress(running));
      ui.assertNoErrors("queries");
      ui.screenshot("embedded-ui-progress-query.png");

      ui.open(UiPages.runPage(running, runningRun, "metadata"));
      ui.waitForText("metadata", "Metadata");
      ui.assertNoErrors("metadata");

      ui.open(UiPages.runPage(running, runningRun, "call-stack"));
      ui.waitForText("the call stack", "JobWorkflowImpl");
      ui.assertNoErrors("call stack");

      // The process stage: the pending chunks with their checkpoints.
      ui.open(UiPages.runPage(process, processRun, "pending-activities"));
      ui.assertTabCount("Pending Activities", jobs.describe(process).getPendingActivitiesCount());
      ui.waitForText("pending chunks", "ProcessChunk", "Heartbeat Details", "\"offset\"");
      UiPages.assertShowsCheckpoints(ui.text(), jobs.pendingCheckpoints(process));
      assertFalse(ui.text().contains("years"), "no ten-year retry expiration:\n" + ui.text());
      ui.assertNoErrors("pending activities");
      ui.screenshot("embedded-ui-pending-activities.png");

      // The running job completes: its page follows (the history long poll) to Completed.
      ui.open(UiPages.runPage(running, runningRun, "history"));
      ui.waitForText("the running job's page", "Request Cancellation");
      jobs.chunks.releaseAll();
      JobResult result = jobs.client.newUntypedWorkflowStub(running).getResult(90, TimeUnit.SECONDS, JobResult.class);
      ui.waitFor("the page follows the job to its end",
          "!document.body.innerText.includes('Request Cancellation')"
              + " && document.body.innerText.includes('\"rows\": " + result.counts().rows() + "')");
      ui.assertTabCount("Relationships", 4);
      ui.assertNoErrors("the job, completed while watched");
    }
  }
}
