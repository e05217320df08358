package dev.ballast.starter;

import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.job.policy.Stage;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the process stage of a job knows about its troubled chunks: the chunk that failed a job
 * (from the stage's history) and the chunks being retried right now (from its pending activities,
 * with their heartbeat position).
 */
public final class ChunkDiagnosis {

  /**
   * A chunk that failed or is failing.
   *
   * @param index the chunk's index (0-based)
   * @param file the input file's name
   * @param firstLine the chunk's first line
   * @param attempt the attempt that failed last (or is running)
   * @param lastError the last failure's message, or null
   * @param atLine the line a retried attempt had reached (heartbeat), or 0
   * @param rowsSoFar rows the attempt had processed (heartbeat), or 0
   */
  public record ChunkTrouble(
      int index, String file, long firstLine, int attempt, String lastError, long atLine, long rowsSoFar) {
    /** {@code chunk 4 (a.csv from line 3001), attempt 3: MESSAGE}. */
    public String describe() {
      StringBuilder sb =
          new StringBuilder(
              String.format(Locale.ROOT, "chunk %d (%s from line %d), attempt %d", index, file, firstLine, attempt));
      if (atLine > 0) {
        sb.append(String.format(Locale.ROOT, ", at line %d with %,d rows", atLine, rowsSoFar));
      }
      if (lastError != null && !lastError.isBlank()) {
        sb.append(": ").append(lastError);
      }
      return sb.toString();
    }
  }

  private ChunkDiagnosis() {}

  /** The last chunk activity of the job's process stage that failed for good, if any. */
  public static Optional<ChunkTrouble> failedChunk(WorkflowClient client, String jobId) {
    List<HistoryEvent> events;
    try {
      events = client.fetchHistory(JobWorkflow.stageId(jobId, Stage.PROCESS)).getEvents();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    DataConverter converter = client.getOptions().getDataConverter();
    Map<Long, ChunkTask> scheduled = new HashMap<>();
    Map<Long, Integer> attempts = new HashMap<>();
    ChunkTrouble last = null;
    for (HistoryEvent event : events) {
      EventType type = event.getEventType();
      if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        chunkTask(converter, event.getActivityTaskScheduledEventAttributes().getInput())
            .ifPresent(task -> scheduled.put(event.getEventId(), task));
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        attempts.put(event.getEventId(), event.getActivityTaskStartedEventAttributes().getAttempt());
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) {
        var a = event.getActivityTaskFailedEventAttributes();
        last = trouble(scheduled.get(a.getScheduledEventId()), attempts.get(a.getStartedEventId()), a.getFailure());
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        var a = event.getActivityTaskTimedOutEventAttributes();
        last = trouble(scheduled.get(a.getScheduledEventId()), attempts.get(a.getStartedEventId()), a.getFailure());
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * The job's chunks running again after a failed attempt, with their last error and heartbeat
   * position; empty when none (or the job is not processing).
   */
  public static List<ChunkTrouble> retryingChunks(WorkflowClient client, String jobId) {
    String stageId = JobWorkflow.stageId(jobId, Stage.PROCESS);
    List<PendingActivityInfo> pending;
    List<HistoryEvent> events;
    try {
      pending =
          client.newUntypedWorkflowStub(stageId).describe().getRawDescription().getPendingActivitiesList();
      if (pending.stream().noneMatch(p -> p.getAttempt() > 1)) {
        return List.of();
      }
      events = client.fetchHistory(stageId).getEvents();
    } catch (RuntimeException e) {
      return List.of();
    }
    DataConverter converter = client.getOptions().getDataConverter();
    Map<String, ChunkTask> byActivityId = new HashMap<>();
    for (HistoryEvent event : events) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        var a = event.getActivityTaskScheduledEventAttributes();
        chunkTask(converter, a.getInput()).ifPresent(task -> byActivityId.put(a.getActivityId(), task));
      }
    }
    List<ChunkTrouble> troubles = new ArrayList<>();
    for (PendingActivityInfo p : pending) {
      ChunkTask task = byActivityId.get(p.getActivityId());
      if (p.getAttempt() <= 1 || task == null) {
        continue;
      }
      ChunkCheckpoint checkpoint = null;
      if (p.hasHeartbeatDetails()) {
        try {
          checkpoint =
              converter.fromPayloads(0, Optional.of(p.getHeartbeatDetails()), ChunkCheckpoint.class, ChunkCheckpoint.class);
        } catch (RuntimeException e) {
          // details of another shape: show the chunk without its position
        }
      }
      troubles.add(
          new ChunkTrouble(
              task.chunk().index(),
              task.chunk().fileName(),
              task.chunk().firstLine(),
              p.getAttempt(),
              p.hasLastFailure() ? rootMessage(p.getLastFailure()) : null,
              checkpoint == null ? 0 : checkpoint.line(),
              checkpoint == null || checkpoint.counts() == null ? 0 : checkpoint.counts().rows()));
    }
    return troubles;
  }

  private static ChunkTrouble trouble(ChunkTask task, Integer attempt, Failure failure) {
    if (task == null) {
      return null;
    }
    return new ChunkTrouble(
        task.chunk().index(),
        task.chunk().fileName(),
        task.chunk().firstLine(),
        attempt == null ? 1 : attempt,
        rootMessage(failure),
        0,
        0);
  }

  private static Optional<ChunkTask> chunkTask(DataConverter converter, Payloads input) {
    try {
      ChunkTask task = converter.fromPayloads(0, Optional.of(input), ChunkTask.class, ChunkTask.class);
      return task == null || task.chunk() == null ? Optional.empty() : Optional.of(task);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String rootMessage(Failure failure) {
    Failure f = failure;
    while (f.hasCause()) {
      f = f.getCause();
    }
    return JobFailures.oneLine(f.getMessage());
  }
}
