package dev.ballast.workflows.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.ballast.api.model.Counts;
import dev.ballast.workflows.CommitWorkflowImpl;
import dev.ballast.workflows.DrillWorkflowImpl;
import dev.ballast.workflows.JobWorkflowImpl;
import dev.ballast.workflows.MergeWorkflowImpl;
import dev.ballast.workflows.PipelineWorkflowImpl;
import dev.ballast.workflows.PlanWorkflowImpl;
import dev.ballast.workflows.ProcessWorkflowImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
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
import java.util.Map;
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

  /**
   * Histories recorded before {@code Counts.pending} became {@code Counts.skipped} carry
   * {@code "pending"} in every counts object of their payloads; the data converter the workers use
   * must still read them, else a job running across the upgrade would lose its skipped rows.
   */
  @Test
  void countsInRecordedPayloadsKeepTheirSkippedRows() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int seen = 0;
    for (String folder : List.of("job", "plan", "process", "merge", "commit", "pipeline", "drill", "v0/job", "v0/plan", "v0/process",
        "v0/merge", "v0/commit")) {
      for (WorkflowExecutionHistory history : recorded(folder)) {
        for (Payload payload : payloads(history)) {
          if (!payload.getMetadataOrDefault("encoding", ByteString.EMPTY).toStringUtf8().equals("json/plain")) {
            continue;
          }
          List<JsonNode> counts = new ArrayList<>();
          collectCounts(json.readTree(payload.getData().toByteArray()), counts);
          for (JsonNode node : counts) {
            Payload alone = payload.toBuilder().setData(ByteString.copyFromUtf8(node.toString())).build();
            Counts read = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(alone, Counts.class, Counts.class);
            assertEquals(node.get("pending").asLong(), read.skipped(), history.getWorkflowExecution() + ": " + node);
            assertEquals(read.rows(), read.accepted() + read.skipped() + read.rejected(), node.toString());
            seen += read.skipped() > 0 ? 1 : 0;
          }
        }
      }
    }
    assertTrue(seen > 10, "recorded counts with skipped rows: " + seen);
  }

  /** Every payload of a history's events (inputs, results, signals, queries answered). */
  private static List<Payload> payloads(WorkflowExecutionHistory history) {
    List<Payload> all = new ArrayList<>();
    for (HistoryEvent event : history.getEvents()) {
      collectPayloads(event, all);
    }
    return all;
  }

  private static void collectPayloads(Message message, List<Payload> into) {
    if (message instanceof Payload payload) {
      into.add(payload);
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getValue() instanceof List<?> values) {
        for (Object v : values) {
          if (v instanceof Message m) {
            collectPayloads(m, into);
          }
        }
      } else if (field.getValue() instanceof Message m) {
        collectPayloads(m, into);
      }
    }
  }

  /** The objects in {@code node} written as {@code Counts} by the versions that called skipped pending. */
  private static void collectCounts(JsonNode node, List<JsonNode> into) {
    if (node.isObject() && node.has("rows") && node.has("accepted") && node.has("pending") && node.has("rejected")) {
      into.add(node);
      return;
    }
    for (JsonNode child : node) {
      collectCounts(child, into);
    }
  }

  @Test
  void theRecordedFileNamesGiveBackTheWorkflowIds() {
    assertEquals("job-1/process", HistoryRecorder.workflowId(HistoryRecorder.fileName("job-1/process", 2)));
    assertEquals("job-1", HistoryRecorder.workflowId(HistoryRecorder.fileName("job-1", 0)));
  }
}
