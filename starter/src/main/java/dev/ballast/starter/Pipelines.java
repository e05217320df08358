package dev.ballast.starter;

import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineProgress.State;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.workflow.PipelineWorkflow;
import io.temporal.api.common.v1.Payloads;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting, following and describing pipelines (a {@link PipelineWorkflow} running one job per
 * stage): what {@code run}, {@code start}, {@code watch}, {@code status}, {@code list} and the
 * steering commands share. A stage's job is followed and described with the job code ({@link
 * Jobs}, {@code StatusCommand}), so a pipeline looks like its jobs, one after the other.
 */
public final class Pipelines {
  /** The pipeline workflow's type name. */
  public static final String WORKFLOW_TYPE = "BallastPipeline";

  /** The pipeline workflow's query of its stages. */
  public static final String PROGRESS_QUERY = "pipelineProgress";

  private Pipelines() {}

  /**
   * The description of workflow {@code id}, a job or a pipeline.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when there is none
   */
  public static WorkflowExecutionDescription describe(WorkflowClient client, String id) {
    try {
      return client.newUntypedWorkflowStub(id).describe();
    } catch (RuntimeException e) {
      if (Jobs.isNotFound(e)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "job " + id + " not found", e);
      }
      throw e;
    }
  }

  /** Whether {@code description} is of a pipeline (rather than a job). */
  public static boolean isPipeline(WorkflowExecutionDescription description) {
    return WORKFLOW_TYPE.equals(description.getWorkflowType());
  }

  /** Whether workflow {@code id} is a pipeline; a missing one is a {@link CliException} (exit 5). */
  public static boolean isPipeline(WorkflowClient client, String id) {
    return isPipeline(describe(client, id));
  }

  /**
   * Starts {@code spec} (its id generated when it has none) and returns its id. A failed or
   * cancelled pipeline may be started again with the same id (intact stages are skipped); a
   * completed one only with {@code rerun}.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when the id is taken
   */
  public static String start(WorkflowClient client, PipelineSpec spec, boolean rerun) {
    String id = spec.id() != null && !spec.id().isBlank() ? spec.id() : Jobs.generateId("pipeline");
    PipelineWorkflow pipeline =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            Jobs.startOptions(id, rerun, "pipeline of " + spec.stages().size() + " stages").build());
    try {
      WorkflowClient.start(pipeline::run, new PipelineSpec(id, spec.stages()));
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, Jobs.conflictMessage(client, "pipeline", id), e);
    }
    return id;
  }

  /** The spec the pipeline's last run was started with, read from its history. */
  public static PipelineSpec originalSpec(WorkflowClient client, String id) {
    Payloads input =
        client.fetchHistory(id).getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getInput();
    return client.getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), PipelineSpec.class, PipelineSpec.class);
  }

  /**
   * The pipeline's stages as their jobs tell it, for when no worker answers its query: each stage
   * of the spec the pipeline was started with, in the state of its job ({@code pending} when it has
   * none). A stage skipped as intact shows the job that published its result earlier. Empty when
   * the spec cannot be read.
   */
  public static List<StageProgress> stagesFromJobs(WorkflowClient client, String id) {
    PipelineSpec spec;
    try {
      spec = originalSpec(client, id);
    } catch (RuntimeException e) {
      return List.of();
    }
    List<StageProgress> stages = new ArrayList<>();
    for (int i = 0; i < spec.stages().size(); i++) {
      String type = spec.stages().get(i).type();
      String jobId = PipelineWorkflow.stageJobId(id, i, type);
      State state;
      String runId = null;
      try {
        WorkflowExecutionDescription job = client.newUntypedWorkflowStub(jobId).describe();
        runId = job.getExecution().getRunId();
        state = switch (job.getStatus()) {
          case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> State.RUNNING;
          case WORKFLOW_EXECUTION_STATUS_COMPLETED -> State.COMPLETED;
          case WORKFLOW_EXECUTION_STATUS_CANCELED -> State.CANCELLED;
          default -> State.FAILED;
        };
      } catch (WorkflowNotFoundException e) {
        state = State.PENDING;
      }
      stages.add(new StageProgress(i, type, jobId, runId, state));
    }
    return stages;
  }

  /** The pipeline's stages, or empty when no worker answers within {@link Jobs#QUERY_TIMEOUT}. */
  public static Optional<PipelineProgress> progress(WorkflowClient client, String id) {
    return Jobs.query(client, id, PROGRESS_QUERY, PipelineProgress.class);
  }

  /** The stage whose job is running now (started by this run of the pipeline), if any. */
  public static Optional<StageProgress> runningStage(PipelineProgress p) {
    if (p.current() < 0 || p.current() >= p.stages().size()) {
      return Optional.empty();
    }
    StageProgress s = p.stages().get(p.current());
    return s.state() == State.RUNNING && s.runId() != null ? Optional.of(s) : Optional.empty();
  }

  /**
   * Follows pipeline {@code id} until it ends: each stage's job is followed like {@code ballast
   * watch} follows a job (progress line, then its summary or its error), a skipped stage is named,
   * then the pipeline's outcome is printed.
   *
   * @return the exit code, as for a job: 0 completed, 1 failed or timed out, 3 cancelled or
   *     terminated
   */
  public static int follow(WorkflowClient client, String id, PrintWriter out, PrintWriter err, boolean terminal) {
    describe(client, id); // exit 5 when there is no such pipeline
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    CompletableFuture<PipelineResult> result = stub.getResultAsync(PipelineResult.class);
    Set<String> followed = new HashSet<>();
    Set<Integer> announcedSkips = new HashSet<>();
    while (true) {
      Optional<PipelineProgress> progress = Optional.empty();
      try {
        progress = progress(client, id);
      } catch (RuntimeException e) {
        // the pipeline is finishing or its task is being retried: ask again
      }
      boolean followedOne = false;
      if (progress.isPresent()) {
        PipelineProgress p = progress.get();
        int total = p.stages().size();
        // In order, every stage this run of the pipeline started and that was not followed yet,
        // including one that already ended while the stage before it was being followed.
        for (StageProgress s : p.stages()) {
          if (s.state() == State.SKIPPED_INTACT && announcedSkips.add(s.index())) {
            out.printf("stage %d of %d: %s skipped: its published result is intact%n", s.index() + 1, total, s.jobId());
            out.flush();
          } else if (s.runId() != null && followed.add(s.runId())) {
            out.printf("stage %d of %d: %s (%s)%n", s.index() + 1, total, s.jobId(), s.type());
            out.flush();
            // The stage's own outcome is printed by the job code; the pipeline's follows below.
            Jobs.follow(client, s.jobId(), s.runId(), out, err, terminal);
            followedOne = true;
            break;
          }
        }
      }
      if (followedOne) {
        continue;
      }
      if (result.isDone()) {
        break;
      }
      try {
        result.get(500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException notYetOrEnded) {
        // ask the pipeline again; its outcome is read below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.JOB_FAILED, "interrupted while following pipeline " + id, e);
      }
    }
    PipelineResult done;
    try {
      done = result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (Jobs.isNotFound(cause)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "pipeline " + id + " not found", cause);
      }
      if (!(cause instanceof WorkflowException)) {
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
      JobFailures why = JobFailures.explain(cause);
      err.println(why.describe(id).replaceFirst("^job ", "pipeline "));
      if (why.outcome() == JobFailures.Outcome.FAILED || why.outcome() == JobFailures.Outcome.TIMED_OUT) {
        err.println("fix the cause and run or start the same spec again (same id), or ballast resume " + id
            + ": stages whose result is intact are skipped");
      }
      err.flush();
      return why.outcome().exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted while following pipeline " + id, e);
    }
    printSummary(out, done);
    return ExitCodes.OK;
  }

  /** {@code pipeline ID completed} and each stage's counts and published files. */
  static void printSummary(PrintWriter out, PipelineResult done) {
    out.println("pipeline " + done.pipelineId() + " completed");
    for (int i = 0; i < done.stages().size(); i++) {
      JobResult r = done.stages().get(i);
      out.printf(Locale.ROOT, "  %d. %s%s: rows %,d (accepted %,d, pending %,d, rejected %,d)%n", i + 1, r.jobId(),
          done.skippedStages().contains(i) ? " (skipped: published earlier)" : "",
          r.counts().rows(), r.counts().accepted(), r.counts().pending(), r.counts().rejected());
      for (OutputFile f : r.files()) {
        out.printf(Locale.ROOT, "       %s/%s  (%,d bytes)%n", r.outputDir(), f.name(), f.bytes());
      }
    }
    out.flush();
  }
}
