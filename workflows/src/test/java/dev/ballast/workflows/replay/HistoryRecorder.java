package dev.ballast.workflows.replay;

import dev.ballast.api.WorkflowRuns;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.job.policy.Stage;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the histories of a finished job and of each of its stages (every continue-as-new run of
 * the process stage too) as JSON, one folder per workflow type, for the replay tests.
 */
public final class HistoryRecorder {
  /** Set {@code -Dballast.recordHistories=true} to regenerate the recorded histories. */
  public static final String PROPERTY = "ballast.recordHistories";

  /** Where the recorded histories live, relative to the workflows module. */
  public static final Path ROOT = Path.of("src", "test", "resources", "histories");

  private HistoryRecorder() {}

  /**
   * Records job {@code jobId} and its stages. The workflow id is part of each file name (with
   * {@code ~} for {@code /}), since child workflow ids derive from it and replay must know it.
   */
  public static void record(WorkflowClient client, String jobId)
      throws IOException {
    write(client.fetchHistory(jobId), "job", fileName(jobId, 0));
    for (Stage stage : Stage.values()) {
      String stageId = JobWorkflow.stageId(jobId, stage);
      List<WorkflowExecutionHistory> runs = WorkflowRuns.of(client, stageId);
      for (int i = 0; i < runs.size(); i++) {
        write(runs.get(i), stage.key(), fileName(stageId, runs.size() == 1 ? 0 : i + 1));
      }
    }
  }

  /** Records pipeline {@code pipelineId} (its own workflow; its stage jobs are recorded as jobs). */
  public static void recordPipeline(WorkflowClient client, String pipelineId) throws IOException {
    write(client.fetchHistory(pipelineId), "pipeline", fileName(pipelineId, 0));
  }

  /** Records failover drill {@code drillId}. */
  public static void recordDrill(WorkflowClient client, String drillId) throws IOException {
    write(client.fetchHistory(drillId), "drill", fileName(drillId, 0));
  }

  /** {@code job-1~process.run2.json} for run 2 of workflow {@code job-1/process}. */
  static String fileName(String workflowId, int run) {
    return workflowId.replace('/', '~') + (run == 0 ? "" : ".run" + run) + ".json";
  }

  /** The workflow id a file name records. */
  static String workflowId(String fileName) {
    return fileName.replaceFirst("(\\.run\\d+)?\\.json$", "").replace('~', '/');
  }

  private static void write(WorkflowExecutionHistory history, String type, String name)
      throws IOException {
    Path file = ROOT.resolve(type).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true));
  }
}
