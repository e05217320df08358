package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.ProcessRequest;
import dev.ballast.api.model.ProcessResult;
import dev.ballast.api.model.ProcessState;
import dev.ballast.api.model.StopRequest;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.ProcessWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * Process stage: fans out one {@link ChunkActivities#processChunk} per chunk, at most {@code
 * maxInFlight} at once, in chunk order. Rows never pass through here: each activity gets a byte
 * range and reports counts.
 *
 * <p>History stays bounded: past {@code historyEventLimit} events, or when Temporal suggests it,
 * the stage stops dispatching, lets the chunks in flight finish, and continues as new carrying only
 * the indexes of finished chunks and their counts.
 *
 * <p>With a backup task queue declared in the stage policy, a chunk that no worker of the primary
 * pool picks up within the schedule-to-start timeout is rescheduled on the backup queue (standby
 * capacity); the stage records which chunks failed over.
 *
 * <p>If a chunk fails for good (retries exhausted or a non-retryable error), no new chunk is
 * started and the chunks still in flight are awaited before the failure is raised, so that nothing
 * is left writing; their staged results let a later run of the same job skip them.
 */
public class ProcessWorkflowImpl implements ProcessWorkflow {
  private static final Logger log = Workflow.getLogger(ProcessWorkflowImpl.class);

  /** Version marker of ending a successful stage without a last progress signal. */
  static final String FINAL_REPORT_CHANGE = "no-final-progress-signal";

  /** Progress reports to the job workflow are at least this far apart (workflow time). */
  private static final long MIN_REPORT_INTERVAL_MILLIS = 1_000;

  private final ProcessRequest request;
  private final Map<Integer, ChunkRef> chunksByIndex = new LinkedHashMap<>();
  private final TreeSet<Integer> done;
  private Counts totals;
  private long bytesDone;
  private boolean paused;
  private int retriedChunks;
  private final TreeSet<Integer> failedOver;
  private long redoneBytes;
  private final Map<Integer, Promise<ChunkResult>> running = new LinkedHashMap<>();
  private long stageStartMillis;
  private long lastReportMillis;

  @WorkflowInit
  public ProcessWorkflowImpl(ProcessRequest request) {
    this.request = request;
    ProcessState state = request.state();
    this.done = new TreeSet<>(state.done());
    this.totals = state.totals();
    this.paused = state.paused();
    this.retriedChunks = state.retriedChunks();
    this.redoneBytes = state.redoneBytes();
    // Histories recorded before backup queues existed carry no failedOver list.
    this.failedOver =
        new TreeSet<>(state.failedOver() == null ? List.of() : state.failedOver());
    for (ChunkRef chunk : request.chunks()) {
      chunksByIndex.put(chunk.index(), chunk);
      if (done.contains(chunk.index())) {
        bytesDone += chunk.bytes();
      }
    }
  }

  @Override
  public ProcessResult process(ProcessRequest ignored) {
    stageStartMillis = Workflow.currentTimeMillis();
    lastReportMillis = stageStartMillis;
    Deque<ChunkRef> queue = new ArrayDeque<>();
    for (ChunkRef chunk : request.chunks()) {
      if (!done.contains(chunk.index())) {
        queue.add(chunk);
      }
    }

    try {
      dispatch(queue);
    } catch (ActivityFailure | CanceledFailure failure) {
      // A chunk failed for good, or the stage is being cancelled. Either way, wait for the chunks
      // in flight to end, so that none is still writing staged files when the stage ends. After a
      // failure they finish their work normally and a later run of the job reuses it; on
      // cancellation they are asked to stop at their next checkpoint.
      List<Promise<ChunkResult>> inFlight = new ArrayList<>(running.values());
      boolean cancelled = failure instanceof CanceledFailure;
      Workflow.newDetachedCancellationScope(
              () -> {
                if (cancelled && !inFlight.isEmpty()) {
                  stopChunks();
                }
                awaitQuietly(inFlight);
                report(true);
              })
          .run();
      throw failure;
    }

    if (!queue.isEmpty()) {
      Workflow.await(Workflow::isEveryHandlerFinished);
      ProcessState next =
          new ProcessState(
              List.copyOf(done), totals, paused, request.state().runs() + 1, retriedChunks,
              redoneBytes, List.copyOf(failedOver));
      log.info(
          "continuing as new after {} events: {} of {} chunks done",
          Workflow.getInfo().getHistoryLength(), done.size(), request.chunks().size());
      Workflow.continueAsNew(request.withState(next));
    }
    if (Workflow.getVersion(FINAL_REPORT_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      report(true);
    } else {
      // The job learns the final counts from the result; a last progress signal would only hold
      // the end of the stage back by a workflow task while it is delivered.
      showDetails(progress());
    }
    return new ProcessResult(
        totals, request.chunks().size(), retriedChunks, redoneBytes, request.state().runs() + 1,
        List.copyOf(failedOver));
  }

  private void dispatch(Deque<ChunkRef> queue) {
    while (true) {
      // Harvest before dispatching, so that no chunk is started in the same workflow task that
      // learns of a failure (and would have to cancel it at once).
      harvest();
      boolean newRunDue = !queue.isEmpty() && historyTooLong();
      while (!paused && !newRunDue && running.size() < request.maxInFlight() && !queue.isEmpty()) {
        start(queue.poll(), false);
      }
      if (running.isEmpty()) {
        if (queue.isEmpty() || newRunDue) {
          return;
        }
        report(true);
        Workflow.await(() -> !paused);
        continue;
      }
      boolean wasPaused = paused;
      Workflow.await(() -> anyFinished() || (wasPaused && !paused));
      report(false);
    }
  }

  private void start(ChunkRef chunk, boolean onBackup) {
    String taskQueue = onBackup ? request.policy().backupTaskQueue() : TaskQueues.CHUNKS;
    ActivityOptions options =
        ActivityOptions.newBuilder(
                StageOptions.activityOptions(request.policy(), taskQueue, !onBackup))
            .setSummary(summary(chunk) + (onBackup ? " (backup queue)" : ""))
            .build();
    ChunkActivities activities = Workflow.newActivityStub(ChunkActivities.class, options);
    ChunkTask task =
        new ChunkTask(
            request.jobId(), request.type(), request.stagingDir(), request.parameters(), chunk);
    // Detached: cancelling the stage must not send Temporal activity cancellations, which can race
    // a chunk that is just completing (the embedded service then rejects the whole workflow task).
    // Chunks are stopped through stopChunks() instead.
    Workflow.newDetachedCancellationScope(
            () -> running.put(chunk.index(), Async.function(activities::processChunk, task)))
        .run();
  }

  /** Leaves the stop marker that makes every chunk of the job stop at its next checkpoint. */
  private void stopChunks() {
    CommitActivities activities =
        Workflow.newActivityStub(
            CommitActivities.class,
            StageOptions.activityOptions(request.policy(), TaskQueues.JOBS));
    activities.stopChunks(new StopRequest(request.jobId(), request.stagingDir()));
  }

  private String summary(ChunkRef chunk) {
    return String.format(
        Locale.ROOT,
        "chunk %d of %d: %s from line %d, %s",
        chunk.index() + 1,
        request.chunks().size(),
        chunk.fileName(),
        chunk.firstLine(),
        Sizes.human(chunk.bytes()));
  }

  private boolean anyFinished() {
    for (Promise<ChunkResult> promise : running.values()) {
      if (promise.isCompleted()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records every finished chunk and moves to the backup queue those the primary pool did not pick
   * up in time; throws the failure of the first chunk that failed for good.
   */
  private void harvest() {
    ActivityFailure failure = null;
    List<Integer> toBackup = new ArrayList<>();
    Iterator<Map.Entry<Integer, Promise<ChunkResult>>> it = running.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Promise<ChunkResult>> entry = it.next();
      Promise<ChunkResult> promise = entry.getValue();
      if (!promise.isCompleted()) {
        continue;
      }
      it.remove();
      if (promise.getFailure() != null) {
        if (promise.getFailure() instanceof ActivityFailure f) {
          if (notPickedUp(f) && request.policy().backupTaskQueue() != null) {
            toBackup.add(entry.getKey());
          } else if (failure == null) {
            failure = f;
          }
        }
        continue;
      }
      record(entry.getKey(), promise.get());
    }
    if (failure != null) {
      throw failure;
    }
    for (int index : toBackup) {
      log.warn(
          "chunk {} was not picked up from {} within its schedule-to-start timeout; "
              + "rescheduling it on backup queue {}",
          index, TaskQueues.CHUNKS, request.policy().backupTaskQueue());
      failedOver.add(index);
      start(chunksByIndex.get(index), true);
    }
  }

  private void record(int index, ChunkResult result) {
    done.add(index);
    totals = totals.plus(result.counts());
    bytesDone += chunksByIndex.get(index).bytes();
    if (result.attempt() > 1) {
      retriedChunks++;
    }
    redoneBytes += result.redoneBytes();
  }

  private static boolean notPickedUp(ActivityFailure failure) {
    return failure.getCause() instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }

  private boolean historyTooLong() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > request.historyEventLimit();
  }

  private static void awaitQuietly(List<Promise<ChunkResult>> promises) {
    for (Promise<ChunkResult> promise : promises) {
      Workflow.await(promise::isCompleted);
    }
  }

  /**
   * Sends progress to the job workflow, at most about a hundred times over the stage whatever its
   * length (the interval grows with elapsed time), and always when {@code force}.
   */
  private void report(boolean force) {
    long now = Workflow.currentTimeMillis();
    long interval = Math.max(MIN_REPORT_INTERVAL_MILLIS, (now - stageStartMillis) / 100);
    if (!force && now - lastReportMillis < interval) {
      return;
    }
    lastReportMillis = now;
    ProcessProgress progress = progress();
    showDetails(progress);
    Optional<String> parent = Workflow.getInfo().getParentWorkflowId();
    if (parent.isPresent()) {
      JobWorkflow job = Workflow.newExternalWorkflowStub(JobWorkflow.class, parent.get());
      try {
        job.reportProgress(progress);
      } catch (RuntimeException e) {
        log.warn("could not report progress to {}: {}", parent.get(), e.getMessage());
      }
    }
  }

  /** Shows {@code progress} as the workflow's current details (the Web UI displays them). */
  private void showDetails(ProcessProgress progress) {
    Workflow.setCurrentDetails(
        String.format(
            Locale.ROOT,
            "%d of %d chunks, %d rows, %d rejected%s",
            progress.chunksDone(), progress.chunksTotal(), progress.counts().rows(),
            progress.counts().rejected(), paused ? " (paused)" : ""));
  }

  @Override
  public ProcessProgress progress() {
    return new ProcessProgress(
        done.size(), request.chunks().size(), bytesDone, totals, running.size(), paused,
        request.state().runs() + 1);
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }
}
