package dev.ballast.api;

import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.List;

/**
 * Every run of a workflow id: the process stage continues as new, so its history is a chain of
 * runs. Used by tools and tests that read a job's histories (replay recording, failover
 * measurements, the benchmark's stage times).
 */
public final class WorkflowRuns {
  private WorkflowRuns() {}

  /** The histories of every run of {@code workflowId}, oldest first, following continue-as-new. */
  public static List<WorkflowExecutionHistory> of(WorkflowClient client, String workflowId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    WorkflowExecutionHistory run = client.fetchHistory(workflowId);
    while (true) {
      runs.add(0, run);
      String previous =
          run.getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
      if (previous.isEmpty()) {
        return runs;
      }
      run = client.fetchHistory(workflowId, previous);
    }
  }
}
