package dev.ballast.workflows;

import dev.ballast.api.Causes;
import dev.ballast.api.ErrorType;
import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.AlertActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.CommitStageInput;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.DateTemplates;
import dev.ballast.api.model.Deadline;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.MergeStageInput;
import dev.ballast.api.model.PlanResult;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.ProcessRequest;
import dev.ballast.api.model.ProcessResult;
import dev.ballast.api.model.ProcessState;
import dev.ballast.api.workflow.CommitWorkflow;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.MergeWorkflow;
import dev.ballast.api.workflow.PlanWorkflow;
import dev.ballast.api.workflow.ProcessWorkflow;
import dev.ballast.job.policy.Stage;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * A whole job: plan, process, merge and commit, each a child workflow with id {@code JOB/stage}.
 *
 * <ul>
 *   <li>Progress: the process stage reports as chunks finish; {@link #progress()} answers at any
 *       time, and the workflow's current details (shown by the Web UI) follow along.
 *   <li>Pause and resume are forwarded to the process stage, which stops dispatching new chunks.
 *   <li>Cancellation (the ordinary workflow cancel) stops the stages and their in-flight chunks,
 *       then deletes the staging area: nothing is published. Once the commit stage has begun,
 *       cancellation comes too late: the commit finishes and the job completes.
 *   <li>A job whose rejects exceed its tolerance fails before merge and publishes nothing.
 *   <li>A failed job keeps its staging area, so that starting the same job id again reuses the
 *       chunks already done.
 *   <li>Alerts: a job whose spec names webhooks tells them when it fails (or exceeds its
 *       tolerance), and when it completes if asked; an undelivered alert is logged, never fatal.
 *   <li>Search attributes: a job started with {@link JobSearchAttributes#JOB_TYPE} (the starter sets
 *       it when the namespace has Ballast's attributes registered) keeps {@link
 *       JobSearchAttributes#STAGE} and {@link JobSearchAttributes#PROGRESS} up to date.
 * </ul>
 */
public class JobWorkflowImpl implements JobWorkflow {
  private static final Logger log = Workflow.getLogger(JobWorkflowImpl.class);

  /** Version marker of the alert activity calls. */
  static final String ALERTS_CHANGE = "alerts";
  /** Version marker of the search-attribute upserts. */
  static final String SEARCH_ATTRIBUTES_CHANGE = "search-attributes";
  /**
   * Version marker of progress owned by the process stage: a report is taken only from this job's
   * own process stage, in order; the job corrects a stage whose pause state differs from its own.
   */
  static final String OWNED_PROGRESS_CHANGE = "owned-progress";
  /**
   * Version marker of date placeholders: a job a schedule started renders {@code {date}} and
   * {@code {date-N}} in its spec from its own nominal time ({@link DateTemplates}). Only a spec
   * that holds a placeholder reaches the marker, so histories of other jobs replay unchanged.
   */
  static final String SCHEDULE_DATES_CHANGE = "schedule-dates";
  /**
   * Version marker of deadlines: a job whose spec has a {@code deadline} alerts {@code
   * DEADLINE_MISSED} once if it has not completed by then. Only such a spec reaches the marker.
   */
  static final String DEADLINE_CHANGE = "deadline";
  /** The counter a missed deadline raises (in the worker's SDK metrics). */
  public static final String DEADLINE_MISSED_METRIC = "ballast_deadline_missed";

  private static final ActivityOptions ALERT_OPTIONS = StageOptions.alertOptions("job alert");

  private JobSpec spec;
  private String jobId;
  private String stage = Stage.PLAN.name();
  private boolean paused;
  private PlanResult plan;
  private ProcessProgress processProgress;
  private Counts counts = Counts.ZERO;
  private Promise<ProcessResult> processing;
  private Instant startedAt;
  private String message = "starting";
  private long progressShown = -1;
  private int ownedProgress = Workflow.DEFAULT_VERSION;
  private Promise<WorkflowExecution> processStarted;
  private long lastReport = -1;
  private boolean stageSaysPaused;
  /** The run's nominal time and zone when a schedule started it; else null. */
  private Instant nominal;
  private ZoneId zone;
  /** Set when the job has ended (completed or failed): a deadline then passes without an alert. */
  private boolean finished;
  private Promise<Void> deadlineWatch;

  @WorkflowInit
  public JobWorkflowImpl(JobSpec spec) {
    this.spec = spec.withDefaults();
  }

  @Override
  public JobResult run(JobSpec ignored) {
    jobId = Workflow.getInfo().getWorkflowId();
    startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    try {
      JobResult result = runStages();
      finished = true;
      if (deadlineWatch != null) {
        deadlineWatch.get(); // an alert already under way is delivered before the job ends
      }
      return result;
    } catch (TemporalFailure failure) {
      finished = true;
      if (CancellationScope.current().isCancelRequested()) {
        message = "cancelled; staging area discarded";
        Workflow.newDetachedCancellationScope(
                () -> {
                  // The process stage acknowledges cancellation only once its chunks have stopped.
                  if (processing != null) {
                    Workflow.await(processing::isCompleted);
                  }
                  discardStaging();
                })
            .run();
        log.info("job {} cancelled: nothing published", jobId);
        throw failure instanceof CanceledFailure ? failure : new CanceledFailure("job cancelled");
      }
      message = "failed in " + stage.toLowerCase(Locale.ROOT) + ": " + rootMessage(failure);
      Workflow.setCurrentDetails(message);
      boolean tolerance =
          failure instanceof ApplicationFailure af
              && ErrorType.TOLERANCE_EXCEEDED.name().equals(af.getType());
      alert(
          tolerance ? AlertRequest.TOLERANCE_EXCEEDED : AlertRequest.FAILED,
          rootMessage(failure));
      throw failure;
    }
  }

  /**
   * For a job a schedule started (memo {@value DateTemplates#MEMO_SCHEDULE}): the spec with this
   * run's id and its date placeholders rendered for this run's nominal time: the {@value
   * DateTemplates#SCHEDULED_START_TIME} search attribute the schedule set when it started the run
   * (a trigger's is the trigger time, a backfill's the backfilled time), read in the zone the
   * schedule recorded in the memo. Both come with the start event, so every replay, retry and
   * backfill of the run reads the same inputs.
   */
  private JobSpec renderDates(JobSpec s) {
    String schedule = Workflow.getMemo(DateTemplates.MEMO_SCHEDULE, String.class, String.class);
    if (schedule == null && !DateTemplates.uses(s)
        || Workflow.getVersion(SCHEDULE_DATES_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return s;
    }
    // Every run of a schedule has a workflow id of its own (the schedule's id and the nominal
    // time): the staging area follows the job id, so the spec's id is the run's.
    s = s.withId(jobId);
    OffsetDateTime nominal = null;
    try {
      nominal =
          Workflow.getTypedSearchAttributes()
              .get(SearchAttributeKey.forOffsetDateTime(DateTemplates.SCHEDULED_START_TIME));
    } catch (RuntimeException e) {
      log.warn("job {}: cannot read {}: {}", jobId, DateTemplates.SCHEDULED_START_TIME, e.toString());
    }
    if (nominal == null && !DateTemplates.uses(s)) {
      return s;
    }
    if (nominal == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "job " + jobId + " uses {date} in its spec but was not started by a schedule (no nominal time)",
          ErrorType.BAD_SPEC.name());
    }
    String zoneName = Workflow.getMemo(DateTemplates.MEMO_TIMEZONE, String.class, String.class);
    this.zone = ZoneId.of(zoneName == null ? "UTC" : zoneName);
    this.nominal = nominal.toInstant();
    LocalDate date = nominal.atZoneSameInstant(zone).toLocalDate();
    log.info("job {}: nominal date {}", jobId, date);
    return DateTemplates.uses(s) ? DateTemplates.render(s, date) : s;
  }

  /**
   * With a deadline in the spec: a watch that, if the job has not ended by then, raises {@value
   * #DEADLINE_MISSED_METRIC} and alerts {@code DEADLINE_MISSED} once, with the stage and progress,
   * while the job goes on. The deadline counts from the nominal time of a scheduled run, else from
   * the job's start; a clock time is read in the schedule's zone (UTC for an unscheduled job).
   */
  private void watchDeadline() {
    if (spec.deadline() == null
        || Workflow.getVersion(DEADLINE_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return;
    }
    Deadline deadline;
    try {
      deadline = Deadline.parse(spec.deadline());
    } catch (IllegalArgumentException e) {
      log.warn("job {}: deadline ignored: {}", jobId, e.getMessage());
      return;
    }
    Instant due = deadline.at(nominal != null ? nominal : startedAt, zone != null ? zone : ZoneOffset.UTC);
    Duration left = Duration.between(Instant.ofEpochMilli(Workflow.currentTimeMillis()), due);
    deadlineWatch =
        Async.procedure(
            () -> {
              if (left.compareTo(Duration.ZERO) > 0 && Workflow.await(left, () -> finished)) {
                return;
              }
              if (finished) {
                return;
              }
              JobProgress p = progress();
              String text =
                  "deadline " + spec.deadline() + " (" + due + ") passed in " + p.stage() + ", "
                      + p.chunksDone() + "/" + p.chunksTotal() + " chunks done; the job goes on";
              log.warn("job {}: {}", jobId, text);
              Workflow.getMetricsScope().counter(DEADLINE_MISSED_METRIC).inc(1);
              alert(AlertRequest.DEADLINE_MISSED, text);
            });
  }

  private JobResult runStages() {
    spec = renderDates(spec);
    watchDeadline();
    ownedProgress = Workflow.getVersion(OWNED_PROGRESS_CHANGE, Workflow.DEFAULT_VERSION, 1);
    enter(Stage.PLAN, "planning: fingerprinting and splitting the inputs");
    plan = stage(PlanWorkflow.class, Stage.PLAN).plan(spec);
    log.info("job {} planned: {} chunks", jobId, plan.chunkCount());

    enter(Stage.PROCESS, "processing " + plan.chunkCount() + " chunks");
    ProcessResult processed = process();
    counts = processed.counts();

    String violation = spec.tolerance().violation(counts);
    if (violation != null) {
      message = "failed: " + violation + "; nothing published";
      discardStaging();
      throw ApplicationFailure.newNonRetryableFailure(
          "job " + jobId + " failed: " + violation + "; nothing was published",
          ErrorType.TOLERANCE_EXCEEDED.name());
    }

    enter(Stage.MERGE, "merging " + plan.chunkCount() + " chunk results");
    // A staged plan travels as its reference; a plan of an earlier version as its lists.
    MergeResult merged =
        stage(MergeWorkflow.class, Stage.MERGE)
            .merge(
                new MergeStageInput(
                    new MergeRequest(
                        jobId, spec.type(), plan.stagingDir(), spec.parameters(), plan.chunks(),
                        counts, plan.staged()),
                    spec.policy(Stage.MERGE)));

    enter(Stage.COMMIT, "publishing to " + spec.output());
    // Commit is the point of no return: once it starts, a cancellation no longer stops it (it
    // could not take back a result a reader may already see), and the job completes.
    CommitStageInput commitInput =
        new CommitStageInput(
            new CommitRequest(
                jobId, spec.output(), plan.stagingDir(), startedAt, plan.inputs(),
                merged.counts(), merged.outputs(), spec.keepBackups(), plan.staged()),
            spec.policy(Stage.COMMIT));
    CommitResult[] commit = new CommitResult[1];
    Workflow.newDetachedCancellationScope(
            () -> commit[0] = stage(CommitWorkflow.class, Stage.COMMIT).commit(commitInput))
        .run();
    CommitResult committed = commit[0];
    if (CancellationScope.current().isCancelRequested()) {
      log.info("job {} was cancelled during commit, after the point of no return", jobId);
    }

    stage = "DONE";
    message =
        String.format(
            Locale.ROOT,
            "done: %d rows, %d accepted, %d skipped, %d rejected; published to %s",
            counts.rows(), counts.accepted(), counts.skipped(), counts.rejected(),
            committed.outputDir());
    Workflow.setCurrentDetails(message);
    upsertSearchAttributes(true);
    if (spec.alerts() != null && spec.alerts().reportsSuccess()) {
      alert(AlertRequest.COMPLETED, message);
    }
    return new JobResult(
        jobId,
        committed.outputDir(),
        merged.counts(),
        committed.files(),
        committed.backupDir(),
        startedAt.toString(),
        committed.finishedAt(),
        processed.chunks(),
        processed.retriedChunks(),
        processed.redoneBytes(),
        processed.failedOver() == null ? List.of() : processed.failedOver());
  }

  /** Runs the process stage, forwarding pause and resume to it while it runs. */
  private ProcessResult process() {
    ProcessWorkflow child = stage(ProcessWorkflow.class, Stage.PROCESS);
    ProcessRequest request =
        new ProcessRequest(
            jobId,
            spec.type(),
            plan.stagingDir(),
            spec.parameters(),
            plan.chunks(),
            spec.maxInFlight(),
            spec.policy(Stage.PROCESS),
            spec.historyEventLimit(),
            ProcessState.initial(paused),
            plan.staged());
    boolean forwarded = paused;
    Promise<ProcessResult> result = Async.function(child::process, request);
    processing = result;
    Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(child);
    processStarted = started;
    boolean owned = ownedProgress >= 1;
    while (!result.isCompleted()) {
      boolean current = forwarded;
      // The job owns the pause state: it forwards a change, and (from the owned-progress version)
      // corrects a stage whose last report shows another state than its own.
      Workflow.await(
          () -> result.isCompleted()
              || (started.isCompleted()
                  && (paused != current || (owned && lastReport >= 0 && stageSaysPaused != paused))));
      if (owned && !result.isCompleted() && stageSaysPaused != paused) {
        forwarded = !paused;
        stageSaysPaused = paused;
      }
      if (!result.isCompleted() && paused != forwarded) {
        forwarded = paused;
        ProcessWorkflow running =
            Workflow.newExternalWorkflowStub(
                ProcessWorkflow.class, JobWorkflow.stageId(jobId, Stage.PROCESS));
        try {
          if (forwarded) {
            running.pause();
          } else {
            running.resume();
          }
        } catch (RuntimeException e) {
          log.warn("could not forward {} to the process stage: {}",
              forwarded ? "pause" : "resume", e.getMessage());
        }
      }
    }
    return result.get();
  }

  private <T> T stage(Class<T> type, Stage which) {
    return Workflow.newChildWorkflowStub(
        type,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(JobWorkflow.stageId(jobId, which))
            .setTaskQueue(TaskQueues.JOBS)
            .setStaticSummary(which.key() + " stage of job " + jobId)
            .build());
  }

  private void enter(Stage next, String details) {
    stage = next.name();
    message = details;
    Workflow.setCurrentDetails(details);
    upsertSearchAttributes(true);
  }

  /**
   * Tells the spec's webhooks about the job's end, one activity per webhook, in parallel. Failures
   * are logged: an alert never changes how the job ends.
   */
  private void alert(String event, String text) {
    if (spec.alerts() == null || !spec.alerts().any()) {
      return;
    }
    if (Workflow.getVersion(ALERTS_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return;
    }
    AlertActivities alerts = Workflow.newActivityStub(AlertActivities.class, ALERT_OPTIONS);
    List<Promise<Void>> sent = new ArrayList<>();
    for (String webhook : spec.alerts().webhooks()) {
      AlertRequest request =
          new AlertRequest(
              webhook, jobId, spec.type(), event, stage, text, counts, spec.output());
      sent.add(Async.procedure(alerts::sendAlert, request));
    }
    for (Promise<Void> p : sent) {
      try {
        p.get();
      } catch (TemporalFailure e) {
        log.warn("job {}: {} alert not delivered: {}", jobId, event, rootMessage(e));
      }
    }
  }

  /**
   * Updates the stage and progress search attributes when the job was started with Ballast's
   * search attributes (so they are registered); the progress only in steps of 10%.
   */
  private void upsertSearchAttributes(boolean stageChanged) {
    if (!Workflow.getTypedSearchAttributes().containsKey(JobSearchAttributes.JOB_TYPE)) {
      return;
    }
    long percent = percentDone();
    if (!stageChanged && percent / 10 == progressShown / 10) {
      return;
    }
    if (Workflow.getVersion(SEARCH_ATTRIBUTES_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    progressShown = percent;
    Workflow.upsertTypedSearchAttributes(
        JobSearchAttributes.STAGE.valueSet(stage), JobSearchAttributes.PROGRESS.valueSet(percent));
  }

  private long percentDone() {
    JobProgress p = progress();
    return p.chunksTotal() == 0 ? 0 : 100L * p.chunksDone() / p.chunksTotal();
  }

  private void discardStaging() {
    CommitActivities activities =
        Workflow.newActivityStub(
            CommitActivities.class,
            StageOptions.activityOptions(spec.policy(Stage.COMMIT), TaskQueues.JOBS));
    activities.discard(new DiscardRequest(jobId, spec.output()));
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = Causes.root(failure);
    return t instanceof ApplicationFailure af ? af.getOriginalMessage() : t.getMessage();
  }

  @Override
  public JobProgress progress() {
    int chunksTotal = plan == null ? 0 : plan.chunkCount();
    long bytesTotal = plan == null ? 0 : plan.totalBytes();
    boolean processed = !stage.equals(Stage.PLAN.name()) && !stage.equals(Stage.PROCESS.name());
    int chunksDone =
        processed ? chunksTotal : processProgress == null ? 0 : processProgress.chunksDone();
    long bytesDone =
        processed ? bytesTotal : processProgress == null ? 0 : processProgress.bytesDone();
    return new JobProgress(
        jobId,
        spec.type(),
        stage,
        paused,
        chunksDone,
        chunksTotal,
        bytesDone,
        bytesTotal,
        counts,
        startedAt == null ? null : startedAt.toString(),
        message);
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  /**
   * Progress from the process stage. From the owned-progress version on, only a report of this
   * job's own process stage (its first run id) is taken, and only if newer than the last: a signal
   * sent by anyone else changes nothing.
   */
  @Override
  public void reportProgress(ProcessProgress progress) {
    if (ownedProgress >= 1) {
      if (!stage.equals(Stage.PROCESS.name())
          || processStarted == null
          || !processStarted.isCompleted()
          || progress.stageRunId() == null
          || !progress.stageRunId().equals(processStarted.get().getRunId())
          || progress.sequence() <= lastReport) {
        log.warn("job {}: ignored a progress report that is not from its process stage", jobId);
        return;
      }
      lastReport = progress.sequence();
      stageSaysPaused = progress.paused();
    }
    processProgress = progress;
    counts = progress.counts();
    if (stage.equals(Stage.PROCESS.name())) {
      message =
          String.format(
              Locale.ROOT,
              "processing: %d of %d chunks, %d rows, %d rejected%s",
              progress.chunksDone(), progress.chunksTotal(), progress.counts().rows(),
              progress.counts().rejected(), paused ? " (paused)" : "");
      Workflow.setCurrentDetails(message);
      upsertSearchAttributes(false);
    }
  }
}
