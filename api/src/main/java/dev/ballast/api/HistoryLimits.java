package dev.ballast.api;

import com.google.protobuf.Message;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a job's workflow runs weigh against Temporal's limits (a real server refuses a payload over
 * 2 MB and ends a run past 51,200 events or 50 MB of history): for every run of the job workflow and
 * of each stage, its events, its history size and its largest payload. Used by the scale tests and
 * the benchmark.
 */
public final class HistoryLimits {
  private HistoryLimits() {}

  /**
   * One workflow run.
   *
   * @param workflowId the workflow id
   * @param run 1 for the first run, 2 for its continue-as-new successor, ...
   * @param events history events
   * @param historyBytes serialized size of the history
   * @param largestPayloadBytes the largest payload blob (a {@code Payloads} or a lone {@code
   *     Payload}) in any event
   */
  public record Run(String workflowId, int run, int events, long historyBytes, long largestPayloadBytes) {}

  /** Every run of job {@code jobId} and of its stages {@code stageIds}, in that order. */
  public static List<Run> of(WorkflowClient client, String jobId, List<String> stageIds) {
    List<Run> runs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    ids.add(jobId);
    ids.addAll(stageIds);
    for (String id : ids) {
      List<WorkflowExecutionHistory> histories = WorkflowRuns.of(client, id);
      for (int i = 0; i < histories.size(); i++) {
        runs.add(measure(id, i + 1, histories.get(i)));
      }
    }
    return runs;
  }

  /** Measures one run's history. */
  public static Run measure(String workflowId, int run, WorkflowExecutionHistory history) {
    long largest = 0;
    for (HistoryEvent event : history.getEvents()) {
      largest = Math.max(largest, largestPayload(event));
    }
    return new Run(
        workflowId, run, history.getEvents().size(), history.getHistory().getSerializedSize(), largest);
  }

  /** The largest {@code Payloads} (or lone {@code Payload}) anywhere in {@code message}. */
  static long largestPayload(Message message) {
    if (message instanceof Payloads payloads) {
      return payloads.getSerializedSize();
    }
    if (message instanceof Payload payload) {
      return payload.getSerializedSize();
    }
    long largest = 0;
    for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> field :
        message.getAllFields().entrySet()) {
      Object value = field.getValue();
      if (value instanceof Message m) {
        largest = Math.max(largest, largestPayload(m));
      } else if (value instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Message m) {
            largest = Math.max(largest, largestPayload(m));
          }
        }
      } else if (value instanceof Map<?, ?> map) {
        for (Object item : map.values()) {
          if (item instanceof Message m) {
            largest = Math.max(largest, largestPayload(m));
          }
        }
      }
    }
    return largest;
  }

  /** The run with the most events. */
  public static Run mostEvents(List<Run> runs) {
    return runs.stream().max(java.util.Comparator.comparingInt(Run::events)).orElseThrow();
  }

  /** The run with the largest payload. */
  public static Run largestPayload(List<Run> runs) {
    return runs.stream().max(java.util.Comparator.comparingLong(Run::largestPayloadBytes)).orElseThrow();
  }

  /** The run with the largest history. */
  public static Run largestHistory(List<Run> runs) {
    return runs.stream().max(java.util.Comparator.comparingLong(Run::historyBytes)).orElseThrow();
  }
}
