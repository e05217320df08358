package dev.ballast.bench;

import dev.ballast.api.WorkflowRuns;
import dev.ballast.job.policy.Stage;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a finished job's time went, read from the workflow histories of the job and its stages:
 * each stage's wall time, every activity's execution interval (started to closed), and the
 * orchestration overhead, the part of the job during which no activity was running.
 *
 * @param jobMillis job workflow start to close
 * @param stageMillis wall time of each stage workflow (first run start to last run close)
 * @param processRuns runs of the process stage (more than 1 after continue-as-new)
 * @param historyEvents events in all the histories read
 * @param chunkActivities chunk activities that ran
 * @param chunkBusyMillis sum of the chunk activities' execution times
 * @param activityUnionMillis time during which at least one activity was running
 * @param idleGaps the stretches with no activity running, as {@code START+LENGTH} in
 *     milliseconds from the job's start
 */
public record StageTimes(
    long jobMillis,
    Map<Stage, Long> stageMillis,
    int processRuns,
    long historyEvents,
    int chunkActivities,
    long chunkBusyMillis,
    long activityUnionMillis,
    List<String> idleGaps) {

  /** Job time during which no activity was running: workflow tasks, dispatch and polling. */
  public long overheadMillis() {
    return Math.max(0, jobMillis - activityUnionMillis);
  }

  /** {@link #overheadMillis()} as a share of the job's time, in percent. */
  public double overheadPercent() {
    return jobMillis == 0 ? 0 : 100.0 * overheadMillis() / jobMillis;
  }

  /** One line: stage times, activity time and overhead. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "job %.2fs:", jobMillis / 1000.0));
    for (Stage stage : Stage.values()) {
      Long ms = stageMillis.get(stage);
      if (ms != null) {
        s.append(String.format(Locale.ROOT, " %s %.2fs", stage.key(), ms / 1000.0));
      }
    }
    s.append(
        String.format(
            Locale.ROOT,
            "; %d chunk activities, %.2fs busy; process runs %d; history events %d;"
                + " overhead (no activity running) %.2fs = %.1f%%",
            chunkActivities, chunkBusyMillis / 1000.0, processRuns, historyEvents,
            overheadMillis() / 1000.0, overheadPercent()));
    s.append("; idle gaps ms ").append(String.join(" ", idleGaps));
    return s.toString();
  }

  /** Reads the histories of job {@code jobId} and its stages. */
  public static StageTimes read(WorkflowClient client, String jobId) {
    List<HistoryEvent> job = client.fetchHistory(jobId).getEvents();
    Map<Stage, Long> stages = new EnumMap<>(Stage.class);
    List<long[]> intervals = new ArrayList<>();
    long events = job.size();
    int processRuns = 0;
    int chunks = 0;
    long chunkBusy = 0;
    for (Stage stage : Stage.values()) {
      String id = jobId + "/" + stage.key();
      List<List<HistoryEvent>> runs = runs(client, id);
      if (runs.isEmpty()) {
        continue;
      }
      List<HistoryEvent> first = runs.get(0);
      List<HistoryEvent> last = runs.get(runs.size() - 1);
      stages.put(stage, millis(last.get(last.size() - 1)) - millis(first.get(0)));
      if (stage == Stage.PROCESS) {
        processRuns = runs.size();
      }
      for (List<HistoryEvent> run : runs) {
        events += run.size();
        intervals.addAll(activityIntervals(run));
        if (stage == Stage.PROCESS) {
          // Chunks only: the process stage also reads the staged plan a page at a time.
          List<long[]> found = activityIntervals(run, "ProcessChunk");
          chunks += found.size();
          for (long[] i : found) {
            chunkBusy += i[1] - i[0];
          }
        }
      }
    }
    long jobStart = millis(job.get(0));
    long jobEnd = millis(job.get(job.size() - 1));
    return new StageTimes(
        jobEnd - jobStart, stages, processRuns, events, chunks, chunkBusy, union(intervals),
        gaps(intervals, jobStart, jobEnd));
  }

  /** Every run of workflow {@code id}, oldest first (following continue-as-new back). */
  static List<List<HistoryEvent>> runs(WorkflowClient client, String id) {
    List<List<HistoryEvent>> runs = new ArrayList<>();
    try {
      for (WorkflowExecutionHistory run : WorkflowRuns.of(client, id)) {
        runs.add(run.getEvents());
      }
    } catch (RuntimeException notFound) {
      // no such workflow (a stage that never started): no runs
    }
    return runs;
  }

  /** The [started, closed] interval of every activity attempt that started, in milliseconds. */
  static List<long[]> activityIntervals(List<HistoryEvent> events) {
    return activityIntervals(events, null);
  }

  /** The intervals of the activities of type {@code type} (every activity when null). */
  static List<long[]> activityIntervals(List<HistoryEvent> events, String type) {
    Map<Long, Long> started = new HashMap<>();
    java.util.Set<Long> wanted = new java.util.HashSet<>();
    List<long[]> out = new ArrayList<>();
    for (HistoryEvent e : events) {
      EventType t = e.getEventType();
      if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && (type == null
              || type.equals(e.getActivityTaskScheduledEventAttributes().getActivityType().getName()))) {
        wanted.add(e.getEventId());
      } else if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        long scheduled = e.getActivityTaskStartedEventAttributes().getScheduledEventId();
        if (wanted.contains(scheduled)) {
          started.put(scheduled, millis(e));
        }
      } else if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        close(out, started, e.getActivityTaskCompletedEventAttributes().getScheduledEventId(), e);
      } else if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) {
        close(out, started, e.getActivityTaskFailedEventAttributes().getScheduledEventId(), e);
      } else if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        close(out, started, e.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), e);
      } else if (t == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) {
        close(out, started, e.getActivityTaskCanceledEventAttributes().getScheduledEventId(), e);
      }
    }
    return out;
  }

  private static void close(List<long[]> out, Map<Long, Long> started, long scheduledId, HistoryEvent e) {
    Long from = started.remove(scheduledId);
    if (from != null) {
      out.add(new long[] {from, millis(e)});
    }
  }

  /** The stretches of [from, to] during which no interval runs, as "start+length" in ms. */
  static List<String> gaps(List<long[]> intervals, long from, long to) {
    List<long[]> sorted = new ArrayList<>(intervals);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    List<String> out = new ArrayList<>();
    long covered = from;
    for (long[] i : sorted) {
      if (i[0] > covered) {
        out.add((covered - from) + "+" + (i[0] - covered));
      }
      covered = Math.max(covered, i[1]);
    }
    if (to > covered) {
      out.add((covered - from) + "+" + (to - covered));
    }
    return out;
  }

  /** Total length of the union of intervals. */
  static long union(List<long[]> intervals) {
    List<long[]> sorted = new ArrayList<>(intervals);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    long total = 0;
    long from = Long.MIN_VALUE;
    long to = Long.MIN_VALUE;
    for (long[] i : sorted) {
      if (i[0] > to) {
        if (to > from) {
          total += to - from;
        }
        from = i[0];
        to = i[1];
      } else {
        to = Math.max(to, i[1]);
      }
    }
    if (to > from) {
      total += to - from;
    }
    return total;
  }

  private static long millis(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
  }
}
