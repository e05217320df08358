package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.PipelineActivities;
import dev.ballast.api.model.DateTemplates;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineProgress.State;
import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.model.PublishedQuery;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.PipelineWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Runs a pipeline's stages in order, each as a child {@link JobWorkflow} whose id is {@link
 * PipelineWorkflow#stageJobId}. Before a stage it asks whether that stage's job already published
 * an intact result (a pipeline started again after a failure): if so the stage is skipped and its
 * published files feed the next stage, so the pipeline resumes at the stage that failed, and that
 * stage's job itself resumes from its staged chunks.
 */
public class PipelineWorkflowImpl implements PipelineWorkflow {
  private static final Logger log = Workflow.getLogger(PipelineWorkflowImpl.class);

  /** Files a stage publishes that never feed the next stage. */
  private static final List<String> NOT_FORWARDED = List.of("rejects.jsonl", "manifest.json");

  /**
   * Reading a manifest back re-hashes the stage's outputs: minutes for large files, so a long
   * start-to-close; a few retries for a transient file system error.
   */
  private final PipelineActivities activities =
      Workflow.newActivityStub(
          PipelineActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(TaskQueues.JOBS)
              .setStartToCloseTimeout(Duration.ofMinutes(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  /**
   * Version marker of scheduled pipelines: a pipeline a schedule started (memo {@value
   * DateTemplates#MEMO_SCHEDULE}) takes its run's workflow id (the schedule's id and the nominal
   * time) as its id and renders {@code {date}} placeholders in its stages for the nominal date.
   */
  static final String SCHEDULE_DATES_CHANGE = "pipeline-schedule-dates";

  private String current;
  /** What the {@code pipelineProgress} query answers; only ever replaced, never mutated. */
  private PipelineProgress progress;

  @Override
  public PipelineResult run(PipelineSpec spec) {
    if (spec.stages() == null || spec.stages().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("pipeline " + spec.id() + " has no stages", "BAD_SPEC");
    }
    spec = renderDates(spec);
    List<StageProgress> initial = new ArrayList<>();
    for (int i = 0; i < spec.stages().size(); i++) {
      String type = spec.stages().get(i).type();
      initial.add(new StageProgress(i, type, PipelineWorkflow.stageJobId(spec.id(), i, type), null, State.PENDING));
    }
    progress = new PipelineProgress(spec.id(), -1, List.copyOf(initial));
    List<JobResult> results = new ArrayList<>();
    List<Integer> skipped = new ArrayList<>();
    JobResult previous = null;
    for (int i = 0; i < spec.stages().size(); i++) {
      JobSpec stage = spec.stages().get(i);
      String jobId = PipelineWorkflow.stageJobId(spec.id(), i, stage.type());
      stage = stage.withId(jobId);
      if (previous != null && (stage.inputs() == null || stage.inputs().isEmpty())) {
        stage = withInputs(stage, forwarded(previous));
      }
      current = jobId;
      mark(i, null, State.RUNNING);
      JobResult done = activities.published(new PublishedQuery(stage.output(), jobId));
      if (done != null) {
        log.info("stage {} ({}) already published an intact result in {}; skipping it", i + 1, jobId, stage.output());
        skipped.add(i);
        previous = done;
        mark(i, null, State.SKIPPED_INTACT);
      } else {
        JobWorkflow job =
            Workflow.newChildWorkflowStub(
                JobWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(jobId)
                    .setTaskQueue(TaskQueues.JOBS)
                    // A stage that failed in an earlier run starts again and resumes its chunks.
                    .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                    .setStaticSummary("stage " + (i + 1) + " of pipeline " + spec.id() + ": " + stage.type())
                    .build());
        // The same command as a plain job.run(stage), but the child's run id becomes known once it
        // started, so that `ballast watch` follows this run of the stage's job, not an earlier one.
        Promise<JobResult> result = Async.function(job::run, stage);
        try {
          mark(i, Workflow.getWorkflowExecution(job).get().getRunId(), State.RUNNING);
          previous = result.get();
        } catch (RuntimeException e) {
          mark(i, progress.stages().get(i).runId(), cancelled(e) ? State.CANCELLED : State.FAILED);
          throw e;
        }
        mark(i, progress.stages().get(i).runId(), State.COMPLETED);
      }
      results.add(previous);
    }
    current = null;
    progress = new PipelineProgress(progress.pipelineId(), -1, progress.stages());
    return new PipelineResult(spec.id(), List.copyOf(results), List.copyOf(skipped));
  }

  /**
   * For a pipeline a schedule started: the spec with this run's id (so every stage's job id names
   * the schedule and the nominal time) and each stage's date placeholders rendered for the run's
   * nominal date, read from the {@value DateTemplates#SCHEDULED_START_TIME} search attribute in the
   * zone of the memo, as {@link JobWorkflowImpl} does for a job: both come with the start event, so
   * a replay, retry or backfill of the run reads the same inputs. Other pipelines are unchanged (and
   * record no version marker).
   */
  private PipelineSpec renderDates(PipelineSpec spec) {
    String schedule = Workflow.getMemo(DateTemplates.MEMO_SCHEDULE, String.class, String.class);
    if (schedule == null
        || Workflow.getVersion(SCHEDULE_DATES_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return spec;
    }
    String id = Workflow.getInfo().getWorkflowId();
    OffsetDateTime nominal = null;
    try {
      nominal =
          Workflow.getTypedSearchAttributes()
              .get(SearchAttributeKey.forOffsetDateTime(DateTemplates.SCHEDULED_START_TIME));
    } catch (RuntimeException e) {
      log.warn("pipeline {}: cannot read {}: {}", id, DateTemplates.SCHEDULED_START_TIME, e.toString());
    }
    boolean dated = spec.stages().stream().anyMatch(DateTemplates::uses);
    if (nominal == null) {
      if (dated) {
        throw ApplicationFailure.newNonRetryableFailure(
            "pipeline " + id + " uses {date} in its stages but was not started by a schedule (no nominal time)",
            "BAD_SPEC");
      }
      return new PipelineSpec(id, spec.stages());
    }
    String zoneName = Workflow.getMemo(DateTemplates.MEMO_TIMEZONE, String.class, String.class);
    LocalDate date = nominal.atZoneSameInstant(ZoneId.of(zoneName == null ? "UTC" : zoneName)).toLocalDate();
    log.info("pipeline {}: nominal date {}", id, date);
    List<JobSpec> stages = new ArrayList<>();
    for (JobSpec stage : spec.stages()) {
      stages.add(DateTemplates.uses(stage) ? DateTemplates.render(stage, date) : stage);
    }
    return new PipelineSpec(id, List.copyOf(stages));
  }

  @Override
  public String currentJob() {
    return current;
  }

  @Override
  public PipelineProgress pipelineProgress() {
    return progress;
  }

  /** Replaces stage {@code index}'s run id and state, and makes it the current stage. */
  private void mark(int index, String runId, State state) {
    List<StageProgress> stages = new ArrayList<>(progress.stages());
    StageProgress s = stages.get(index);
    stages.set(index, new StageProgress(index, s.type(), s.jobId(), runId, state));
    progress = new PipelineProgress(progress.pipelineId(), index, List.copyOf(stages));
  }

  private static boolean cancelled(RuntimeException e) {
    return e instanceof CanceledFailure
        || (e instanceof ChildWorkflowFailure c && c.getCause() instanceof CanceledFailure);
  }

  private static List<String> forwarded(JobResult result) {
    List<String> inputs = new ArrayList<>();
    for (OutputFile f : result.files()) {
      if (!NOT_FORWARDED.contains(f.name())) {
        inputs.add(Paths.get(result.outputDir(), f.name()).toString());
      }
    }
    if (inputs.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "stage job " + result.jobId() + " published no file for the next stage", "BAD_SPEC");
    }
    return inputs;
  }

  private static JobSpec withInputs(JobSpec s, List<String> inputs) {
    return new JobSpec(
        s.id(), s.type(), inputs, s.output(), s.parameters(), s.chunkBytes(), s.maxInFlight(),
        s.tolerance(), s.policies(), s.keepBackups(), s.historyEventLimit(), s.alerts(), s.deadline());
  }
}
