package dev.ballast.starter;

import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineProgress.State;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.workflow.PipelineWorkflow;
import io.temporal.api.common.v1.Payloads;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starting pipelines (a {@link PipelineWorkflow} running one job per stage) and reading their
 * stages: what {@code run}, {@code start}, {@code resume}, {@code status} and the steering commands
 * share. A pipeline is followed by {@link PipelineFollower}, which follows each stage's job as a
 * job is followed, so a pipeline looks like its jobs, one after the other.
 */
public final class Pipelines {
  /** The pipeline workflow's type name. */
  public static final String WORKFLOW_TYPE = "BallastPipeline";

  private Pipelines() {}

  /** Whether {@code description} is of a pipeline (rather than a job). */
  public static boolean isPipeline(WorkflowExecutionDescription description) {
    return WORKFLOW_TYPE.equals(description.getWorkflowType());
  }

  /** Whether workflow {@code id} is a pipeline; a missing one is a {@link CliException} (exit 5). */
  public static boolean isPipeline(WorkflowClient client, String id) {
    return isPipeline(Workflows.describe(client, id));
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

  /** The stage whose job is running now (started by this run of the pipeline), if any. */
  public static Optional<StageProgress> runningStage(PipelineProgress p) {
    if (p.current() < 0 || p.current() >= p.stages().size()) {
      return Optional.empty();
    }
    StageProgress s = p.stages().get(p.current());
    return s.state() == State.RUNNING && s.runId() != null ? Optional.of(s) : Optional.empty();
  }
}
