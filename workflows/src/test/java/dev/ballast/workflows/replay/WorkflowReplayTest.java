package dev.ballast.workflows.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.workflows.CommitWorkflowImpl;
import dev.ballast.workflows.JobWorkflowImpl;
import dev.ballast.workflows.MergeWorkflowImpl;
import dev.ballast.workflows.DrillWorkflowImpl;
import dev.ballast.workflows.PipelineWorkflowImpl;
import dev.ballast.workflows.PlanWorkflowImpl;
import dev.ballast.workflows.ProcessWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays every recorded history (test resources {@code histories/<stage>/<scenario>.json}, and
 * those recorded by earlier versions in {@code histories/v0/<stage>/}) against the current workflow
 * code: a change that would break running jobs fails the build. The {@code v0} histories come from
 * the version whose plans carried every chunk and input file in their payloads.
 * Regenerate the histories, after a deliberate and versioned change, with {@code mvn -pl workflows
 * test -Dtest=JobWorkflowImplTest -Dballast.recordHistories=true}.
 */
class WorkflowReplayTest {
  private static final Class<?>[] CURRENT = {
    JobWorkflowImpl.class, PlanWorkflowImpl.class, ProcessWorkflowImpl.class,
    MergeWorkflowImpl.class, CommitWorkflowImpl.class, PipelineWorkflowImpl.class, DrillWorkflowImpl.class
  };

  static List<WorkflowExecutionHistory> recorded(String folder) throws IOException {
    URL url = WorkflowReplayTest.class.getClassLoader().getResource("histories/" + folder);
    if (url == null) {
      throw new IllegalStateException("no recorded histories in histories/" + folder);
    }
    List<WorkflowExecutionHistory> histories = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          String workflowId = HistoryRecorder.workflowId(file.getFileName().toString());
          histories.add(WorkflowExecutionHistory.fromJson(json, workflowId));
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return histories;
  }

  private static void assertReplays(String folder) throws Exception {
    assertReplaysIn(folder);
    if (!folder.equals("pipeline") && !folder.equals("drill")) {
      assertReplaysIn("v0/" + folder);
    }
  }

  private static void assertReplaysIn(String folder) throws Exception {
    List<WorkflowExecutionHistory> histories = recorded(folder);
    assertFalse(histories.isEmpty(), "histories recorded for " + folder);
    ReplayResults results = WorkflowReplayer.replayWorkflowExecutions(histories, false, CURRENT);
    assertFalse(
        results.hadAnyError(),
        () -> folder + ": " + results.allErrors().stream()
            .map(e -> e.workflowId + ": " + e.exception).toList());
  }

  @Test
  void jobHistoriesReplay() throws Exception {
    assertReplays("job");
  }

  /**
   * Recorded by {@code PipelineWorkflowImplTest} with the pipeline workflow as it was before its
   * {@code pipelineProgress} query (stage jobs started by a plain blocking call), so they also
   * prove that the query's bookkeeping left the workflow's commands unchanged.
   */
  @Test
  void pipelineHistoriesReplay() throws Exception {
    assertReplays("pipeline");
  }

  /** Recorded by {@code DrillWorkflowImplTest}: a passed drill, a wrong output, no drill worker. */
  @Test
  void drillHistoriesReplay() throws Exception {
    assertReplays("drill");
  }

  @Test
  void planHistoriesReplay() throws Exception {
    assertReplays("plan");
  }

  @Test
  void processHistoriesReplayIncludingContinuedRuns() throws Exception {
    assertReplays("process");
    for (String folder : List.of("process", "v0/process")) {
      assertTrue(
          recorded(folder).stream()
            .anyMatch(h -> !h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
                  .getContinuedExecutionRunId().isEmpty()),
          "a recorded process history continued as new in " + folder);
    }
  }

  @Test
  void mergeHistoriesReplay() throws Exception {
    assertReplays("merge");
  }

  @Test
  void commitHistoriesReplay() throws Exception {
    assertReplays("commit");
  }

  @Test
  void aChangedStageOrderIsCaughtAsNonDeterministic() throws Exception {
    WorkflowExecutionHistory history = recorded("v0/job").get(0);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                WorkflowReplayer.replayWorkflowExecution(
                    history, MergeBeforeProcessJobWorkflowImpl.class));
    String chain = "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain += t + "\n";
    }
    assertTrue(
        chain.contains(NonDeterministicException.class.getName()) && chain.contains("job-1/merge"),
        chain);
  }

  @Test
  void theRecordedFileNamesGiveBackTheWorkflowIds() {
    assertEquals("job-1/process", HistoryRecorder.workflowId(HistoryRecorder.fileName("job-1/process", 2)));
    assertEquals("job-1", HistoryRecorder.workflowId(HistoryRecorder.fileName("job-1", 0)));
  }
}
