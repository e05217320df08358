package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.ChunkPage;
import dev.ballast.api.model.ChunkPageRequest;
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
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
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
import org.slf4j.Logger;

/**
 * Process stage: fans out one {@link ChunkActivities#processChunk} per chunk, at most {@code
 * maxInFlight} at once, in chunk order. Rows never pass through here: each activity gets a byte
 * range and reports counts.
 *
 * <p>No payload grows with the number of chunks: the stage reads the chunk references from the
 * staged plan, a page of at most {@link #PAGE_CHUNKS} at a time ({@link PlanActivities#chunks},
 * fetched ahead while chunks run), and keeps the finished chunks as index ranges. (A request of an
 * earlier version carries every chunk; it runs as before.)
 *
 * <p>History stays bounded: past {@code historyEventLimit} events, or when Temporal suggests it,
 * the stage stops dispatching, lets the chunks in flight finish, and continues as new carrying only
 * the ranges of finished chunks and their counts.
 *
 * <p>Progress goes to the job workflow, which owns what the job shows and whether it is paused: a
 * report is a signal sent without waiting for its delivery (dispatch never waits on it), at most
 * one in flight, at most about {@code 50 * (1 + ln(elapsed / 100 s))} over the whole stage. The
 * {@code pause} and {@code resume} signals are the job's channel to this stage; the job corrects a
 * stage whose reported pause state differs from its own.
 *
 * <p>Every dispatched chunk ends as done or as a failure of the stage: a chunk whose result fails
 * with anything but an activity failure fails the stage ({@code CHUNK_LOST}) rather than being
 * dropped.
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

  /**
   * Version marker of closing the stage (completing, failing or continuing as new) only once the
   * progress signal in flight, if any, is delivered. Closing with a signal in flight had the
   * closing workflow task refused when the delivery landed meanwhile (UNHANDLED_COMMAND, then a
   * retried task) or, on the embedded service, an error logged when it landed after.
   */
  static final String REPORT_DELIVERED_CHANGE = "close-after-progress-signal";

  /**
   * Version marker of the scalable stage: progress sent without blocking dispatch, reported at a
   * rate bounded over the whole stage, chunks lost to a non-activity failure failing the stage.
   */
  static final String SCALE_CHANGE = "staged-plan";

  /** Failure type of a chunk whose result failed with something other than an activity failure. */
  static final String CHUNK_LOST = "CHUNK_LOST";

  /** Progress reports to the job workflow are at least this far apart (workflow time). */
  private static final long MIN_REPORT_INTERVAL_MILLIS = 1_000;

  /** With the scale change: reports at least this far apart, and 1/50 of the stage's time. */
  private static final long MIN_REPORT_INTERVAL_MILLIS_V1 = 2_000;

  /** Most chunk references read from the staged plan at once. */
  static final int PAGE_CHUNKS = 500;

  private final ProcessRequest request;
  private final int chunkTotal;
  /** Chunks fetched from the plan (or, in an earlier version's request, all) not yet dispatched. */
  private final Deque<ChunkRef> queue = new ArrayDeque<>();
  private final IndexSet done;
  private Counts totals;
  private long bytesDone;
  private boolean paused;
  private int retriedChunks;
  private final IndexSet failedOver;
  private long redoneBytes;
  private final Map<Integer, ChunkRef> runningRefs = new LinkedHashMap<>();
  private final Map<Integer, Promise<ChunkResult>> running = new LinkedHashMap<>();
  private long stageStartMillis;
  private long lastReportMillis;
  private long reports;
  /** Next chunk index to fetch from the staged plan. */
  private int nextToFetch;
  private Promise<ChunkPage> pageFetch;
  private Promise<Void> reportSent;
  private int version = -2;

  @WorkflowInit
  public ProcessWorkflowImpl(ProcessRequest request) {
    this.request = request;
    this.chunkTotal = request.chunkCount();
    ProcessState state = request.state();
    this.totals = state.totals();
    this.paused = state.paused();
    this.retriedChunks = state.retriedChunks();
    this.redoneBytes = state.redoneBytes();
    this.reports = state.reports();
    if (state.doneRanges() != null) {
      this.done = IndexSet.of(state.doneRanges());
      this.failedOver = IndexSet.of(state.failedOverRanges());
      this.bytesDone = state.bytesDone();
    } else {
      this.done = IndexSet.of(state.done());
      // Histories recorded before backup queues existed carry no failedOver list.
      this.failedOver = IndexSet.of(state.failedOver());
    }
    if (request.chunks() != null) {
      // A request of an earlier version: every chunk is in it.
      for (ChunkRef chunk : request.chunks()) {
        if (done.contains(chunk.index())) {
          if (state.doneRanges() == null) {
            bytesDone += chunk.bytes();
          }
        } else {
          queue.add(chunk);
        }
      }
      nextToFetch = chunkTotal;
    }
  }

  @Override
  public ProcessResult process(ProcessRequest ignored) {
    stageStartMillis = Workflow.currentTimeMillis();
    lastReportMillis = stageStartMillis;
    if (scaled() && request.state().startedAtMillis() > 0) {
      stageStartMillis = request.state().startedAtMillis();
    }

    try {
      dispatch();
    } catch (TemporalFailure failure) {
      // A chunk failed for good, the plan could not be read, or the stage is being cancelled.
      // Either way, wait for the chunks in flight to end, so that none is still writing staged
      // files when the stage ends. After a failure they finish their work normally and a later run
      // of the job reuses it; on cancellation they are asked to stop at their next checkpoint.
      List<Promise<ChunkResult>> inFlight = new ArrayList<>(running.values());
      boolean cancelled = failure instanceof CanceledFailure;
      Workflow.newDetachedCancellationScope(
              () -> {
                if (cancelled && !inFlight.isEmpty()) {
                  stopChunks();
                }
                awaitQuietly(inFlight);
                report(true);
                awaitReportInFlight();
              })
          .run();
      throw failure;
    }

    if (moreToDispatch()) {
      Workflow.await(Workflow::isEveryHandlerFinished);
      awaitReportInFlight();
      ProcessState next;
      if (request.chunks() != null) {
        next =
            new ProcessState(
                done.toList(), totals, paused, request.state().runs() + 1, retriedChunks,
                redoneBytes, failedOver.toList());
      } else {
        next =
            new ProcessState(
                List.of(), totals, paused, request.state().runs() + 1, retriedChunks, redoneBytes,
                List.of(), done.toRanges(), failedOver.toRanges(), bytesDone, stageStartMillis,
                reports);
      }
      log.info(
          "continuing as new after {} events: {} of {} chunks done",
          Workflow.getInfo().getHistoryLength(), done.size(), chunkTotal);
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
    awaitReportInFlight();
    return new ProcessResult(
        totals, chunkTotal, retriedChunks, redoneBytes, request.state().runs() + 1,
        failedOver.first(ProcessResult.MAX_LISTED), failedOver.size());
  }

  /** Waits until the progress signal sent last, if still in flight, is delivered or has failed. */
  private void awaitReportInFlight() {
    Promise<Void> sent = reportSent;
    if (sent != null
        && !sent.isCompleted()
        && Workflow.getVersion(REPORT_DELIVERED_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      Workflow.await(sent::isCompleted);
    }
  }

  /** Whether this run follows the scale change (recorded as a version marker on first use). */
  private boolean scaled() {
    if (version == -2) {
      version = Workflow.getVersion(SCALE_CHANGE, Workflow.DEFAULT_VERSION, 1);
    }
    return version >= 1;
  }

  /** Whether chunks remain that this run has not dispatched yet (queued or still in the plan). */
  private boolean moreToDispatch() {
    return !queue.isEmpty() || pageFetch != null || done.nextAbsent(nextToFetch) < chunkTotal;
  }

  /**
   * Takes in a fetched page and, when the queue runs low, asks for the next one (the chunks in
   * flight keep running meanwhile).
   */
  private void fetchPages(boolean newRunDue) {
    if (pageFetch != null && pageFetch.isCompleted()) {
      ChunkPage page = pageFetch.get();
      pageFetch = null;
      for (ChunkRef chunk : page.chunks()) {
        if (!done.contains(chunk.index()) && !running.containsKey(chunk.index())) {
          queue.add(chunk);
        }
        nextToFetch = Math.max(nextToFetch, chunk.index() + 1);
      }
    }
    if (pageFetch != null || newRunDue || queue.size() > 2 * request.maxInFlight()) {
      return;
    }
    nextToFetch = done.nextAbsent(nextToFetch);
    if (nextToFetch >= chunkTotal) {
      return;
    }
    PlanActivities plan =
        Workflow.newActivityStub(
            PlanActivities.class,
            ActivityOptions.newBuilder(
                    StageOptions.activityOptions(request.policy(), TaskQueues.JOBS))
                .setSummary("chunks " + (nextToFetch + 1) + "+ of " + chunkTotal + " from the plan")
                .build());
    ChunkPageRequest ask =
        new ChunkPageRequest(request.stagingDir(), request.plan(), nextToFetch, PAGE_CHUNKS);
    Workflow.newDetachedCancellationScope(() -> pageFetch = Async.function(plan::chunks, ask)).run();
  }

  private void dispatch() {
    while (true) {
      // Harvest before dispatching, so that no chunk is started in the same workflow task that
      // learns of a failure (and would have to cancel it at once).
      harvest();
      boolean newRunDue = moreToDispatch() && historyTooLong();
      if (request.chunks() == null) {
        fetchPages(newRunDue);
      }
      while (!paused && !newRunDue && running.size() < request.maxInFlight() && !queue.isEmpty()) {
        start(queue.poll(), false);
      }
      if (running.isEmpty()) {
        if (!moreToDispatch() || newRunDue) {
          return;
        }
        if (!paused && queue.isEmpty()) {
          // Nothing to run until the next page of the plan arrives.
          Promise<ChunkPage> page = pageFetch;
          Workflow.await(() -> page == null || page.isCompleted());
          continue;
        }
        report(true);
        Workflow.await(() -> !paused);
        continue;
      }
      boolean wasPaused = paused;
      Promise<ChunkPage> page = pageFetch;
      Workflow.await(
          () -> anyFinished() || (wasPaused && !paused) || (page != null && page.isCompleted()));
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
    runningRefs.put(chunk.index(), chunk);
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
        chunkTotal,
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
    TemporalFailure failure = null;
    List<Integer> toBackup = new ArrayList<>();
    Iterator<Map.Entry<Integer, Promise<ChunkResult>>> it = running.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Promise<ChunkResult>> entry = it.next();
      Promise<ChunkResult> promise = entry.getValue();
      if (!promise.isCompleted()) {
        continue;
      }
      it.remove();
      RuntimeException thrown = promise.getFailure();
      if (thrown != null) {
        if (thrown instanceof ActivityFailure f) {
          if (notPickedUp(f) && request.policy().backupTaskQueue() != null) {
            toBackup.add(entry.getKey());
            continue;
          }
          if (failure == null) {
            failure = f;
          }
        } else if (scaled() && failure == null) {
          // Not an activity failure (a result that cannot be read, say): the chunk is not done and
          // must not vanish; the stage fails with it, naming the chunk.
          failure =
              ApplicationFailure.newNonRetryableFailureWithCause(
                  "chunk " + entry.getKey() + " ended without a result: " + thrown, CHUNK_LOST,
                  thrown);
        }
        runningRefs.remove(entry.getKey());
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
      start(runningRefs.get(index), true);
    }
  }

  private void record(int index, ChunkResult result) {
    done.add(index);
    totals = totals.plus(result.counts());
    bytesDone += runningRefs.remove(index).bytes();
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
    boolean scaled = scaled();
    long interval =
        scaled
            ? Math.max(MIN_REPORT_INTERVAL_MILLIS_V1, (now - stageStartMillis) / 50)
            : Math.max(MIN_REPORT_INTERVAL_MILLIS, (now - stageStartMillis) / 100);
    if (!force && now - lastReportMillis < interval) {
      return;
    }
    if (scaled && reportSent != null && !reportSent.isCompleted()) {
      // One report in flight at most; a later one carries newer numbers anyway.
      return;
    }
    lastReportMillis = now;
    reports++;
    ProcessProgress progress = progress();
    showDetails(progress);
    Optional<String> parent = Workflow.getInfo().getParentWorkflowId();
    if (parent.isPresent()) {
      JobWorkflow job = Workflow.newExternalWorkflowStub(JobWorkflow.class, parent.get());
      if (scaled) {
        // Sent without waiting for its delivery: dispatch goes on at once.
        reportSent = Async.procedure(job::reportProgress, progress);
        return;
      }
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
        done.size(), chunkTotal, bytesDone, totals, running.size(), paused,
        request.state().runs() + 1, Workflow.getInfo().getFirstExecutionRunId(), reports);
  }

  /** The job's channel: the job owns the pause state and corrects a stage that differs. */
  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }
}
