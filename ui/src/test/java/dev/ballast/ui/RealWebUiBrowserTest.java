package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.job.policy.Stage;
import dev.ballast.testkit.RealTemporalServer;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Temporal Web UI, served by the Temporal CLI's dev server, in headless Chromium, showing
 * Ballast settlement jobs run by a real worker against the real server: the jobs in the list,
 * filtered by Ballast's search attributes; the four stage workflows under Relationships; the
 * pending chunks with their heartbeat checkpoints; the {@code progress} query; the current details
 * line. Every value shown is checked against what the server answers over gRPC. Screenshots go to
 * {@code target/screenshots/real/}.
 *
 * <p>Needs the Temporal CLI ({@code BALLAST_TEST_TEMPORAL_CLI}) and Chromium: without them it is
 * skipped locally and fails when {@code CI=true}.
 */
class RealWebUiBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots", "real");

  @TempDir Path temp;

  @Test
  @Timeout(240)
  void showsBallastJobsOnARealServer() throws Exception {
    Optional<Path> chromium = CdpBrowser.findChromium();
    UiPages.require(chromium.isPresent(), "Chromium not found: apt-get install -y chromium, or set BALLAST_CHROMIUM");
    try (RealTemporalServer server =
            RealTemporalServer.start(
                RealTemporalServer.options()
                    .withUi()
                    .in(temp.resolve("temporal"))
                    .searchAttribute("BallastJobType", "Keyword")
                    .searchAttribute("BallastStage", "Keyword")
                    .searchAttribute("BallastProgress", "Int"));
        SettlementScenario jobs = new SettlementScenario(server.address(), temp, true);
        CdpBrowser browser = new CdpBrowser(chromium.get(), temp.resolve("profile"))) {
      UiPages ui = new UiPages(browser, server.uiUrl(), SCREENSHOTS);
      String done = SettlementScenario.DONE;
      String running = SettlementScenario.RUNNING;
      String process = JobWorkflow.stageId(running, Stage.PROCESS);
      WorkflowExecutionInfo runningInfo = jobs.describe(running).getWorkflowExecutionInfo();
      String doneRun = jobs.describe(done).getWorkflowExecutionInfo().getExecution().getRunId();
      String runningRun = runningInfo.getExecution().getRunId();
      String processRun = jobs.describe(process).getWorkflowExecutionInfo().getExecution().getRunId();

      // The list, filtered by Ballast's search attributes: the running job in its process stage only.
      String stage =
          runningInfo.getSearchAttributes().getIndexedFieldsOrThrow("BallastStage").getData().toString(StandardCharsets.UTF_8);
      assertEquals("\"PROCESS\"", stage, "the running job's stage attribute");
      ui.open("/namespaces/default/workflows?query="
          + UiPages.encode("BallastJobType = \"settlement\" AND BallastStage = \"PROCESS\""));
      ui.waitFor("the running job, found by its search attributes",
          // The list's rows are in textContent (not all of them in innerText).
          "document.body.textContent.includes('" + running + "') && /1\\s+Workflow\\b/.test(document.body.innerText)");
      String listed = browser.evaluate("document.body.textContent").getAsString();
      assertFalse(listed.contains(done), "the completed job is in stage DONE, not PROCESS:\n" + ui.text());
      ui.assertNoErrors("the filtered list");
      ui.screenshot("real-ui-workflows.png");

      // The job's search attributes, as the server holds them.
      ui.open(UiPages.runPage(running, runningRun, "metadata"));
      ui.waitForText("search attributes", "\"BallastJobType\": \"settlement\"", "\"BallastStage\": \"PROCESS\"");

      // Relationships: the completed job's four stage workflows.
      assertEquals(4, jobs.stageWorkflows(done).size(), "four stages ran");
      ui.open(UiPages.runPage(done, doneRun, "relationships"));
      ui.assertTabCount("Relationships", jobs.stageWorkflows(done).size());
      ui.waitForText("the four stage workflows", jobs.stageWorkflows(done).toArray(String[]::new));
      ui.assertNoErrors("relationships");
      ui.screenshot("real-ui-relationships.png");

      // The process stage's pending chunks and their heartbeat checkpoints.
      ui.open(UiPages.runPage(process, processRun, "pending-activities"));
      ui.assertTabCount("Pending Activities", jobs.describe(process).getPendingActivitiesCount());
      ui.waitForText("pending chunks", "ProcessChunk", "Heartbeat Details", "\"offset\"");
      UiPages.assertShowsCheckpoints(ui.text(), jobs.pendingCheckpoints(process));
      ui.assertNoErrors("pending activities");
      ui.screenshot("real-ui-pending-activities.png");

      // The progress query.
      ui.open(UiPages.runPage(running, runningRun, "query"));
      UiPages.assertShowsProgress(ui.runProgressQuery(), jobs.progress(running));
      ui.assertNoErrors("queries");
      ui.screenshot("real-ui-progress-query.png");

      // The current details line (Workflow.setCurrentDetails) under User Metadata.
      String details = jobs.currentDetails(running);
      assertTrue(details.startsWith("processing "), details);
      ui.open(UiPages.runPage(running, runningRun, "user-metadata"));
      ui.waitForText("user metadata", "Current Details");
      ui.assertIframeShows("the current details", details);
      ui.assertNoErrors("user metadata");
      ui.screenshot("real-ui-current-details.png");
    }
  }
}
