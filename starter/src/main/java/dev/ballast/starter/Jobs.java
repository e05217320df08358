package dev.ballast.starter;

import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Starting jobs: their ids, the start options jobs and pipelines share, and why a start was a
 * conflict. A job is followed by {@link JobFollower}, asked where it stands with {@link
 * WorkflowQueries}.
 */
public final class Jobs {
  /** The job workflow's type name. */
  public static final String WORKFLOW_TYPE = "BallastJob";

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private Jobs() {}

  /** A job id like {@code settlement-20261127-101500}. */
  public static String generateId(String type) {
    return type + "-" + LocalDateTime.now().format(ID_TIME);
  }

  /** The spec with its id filled in (generated from the type when it has none). */
  public static JobSpec withId(JobSpec spec) {
    return spec.id() == null || spec.id().isBlank() ? spec.withId(generateId(spec.type())) : spec;
  }

  /**
   * Options to start a job or pipeline {@code id} on the jobs queue: an id that is running is a
   * conflict, a failed or cancelled one may be started again, a completed one only when {@code
   * rerun}.
   */
  static WorkflowOptions.Builder startOptions(String id, boolean rerun, String summary) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.JOBS)
        .setWorkflowIdReusePolicy(
            rerun
                ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
                : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary(summary);
  }

  /**
   * Starts the job workflow of {@code spec} (which has an id). A failed or cancelled job may be
   * started again with the same id (its staging lets it resume); a completed one only with {@code
   * rerun}.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when the id is taken
   */
  public static void start(WorkflowClient client, JobSpec spec, boolean rerun) {
    start(client, spec, rerun, searchAttributesRegistered(client));
  }

  /**
   * Starts {@code spec} as {@link #start(WorkflowClient, JobSpec, boolean)} does, with Ballast's
   * search attributes only when {@code searchAttributes} (the caller knows whether the namespace
   * has them registered).
   */
  public static void start(WorkflowClient client, JobSpec spec, boolean rerun, boolean searchAttributes) {
    WorkflowOptions options = startOptions(spec.id(), rerun, summary(spec)).build();
    if (searchAttributes) {
      options =
          WorkflowOptions.newBuilder(options)
              .setTypedSearchAttributes(
                  io.temporal.common.SearchAttributes.newBuilder()
                      .set(JobSearchAttributes.JOB_TYPE, spec.type())
                      .set(JobSearchAttributes.STAGE, "PLAN")
                      .set(JobSearchAttributes.PROGRESS, 0L)
                      .build())
              .build();
    }
    JobWorkflow job = client.newWorkflowStub(JobWorkflow.class, options);
    try {
      WorkflowClient.start(job::run, spec);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, conflictMessage(client, "job", spec.id()), e);
    }
  }

  /**
   * Whether the namespace has Ballast's search attributes ({@link JobSearchAttributes}) registered
   * with their types ({@code ballast setup}). False on the embedded service, which lacks the
   * search-attribute API, and whenever the answer does not come within {@link
   * WorkflowQueries#TIMEOUT}: a job then simply runs without them.
   */
  public static boolean searchAttributesRegistered(WorkflowClient client) {
    return SearchAttributeRegistry.registered(
        client.getWorkflowServiceStubs(), client.getOptions().getNamespace(), JobSearchAttributes.ALL,
        WorkflowQueries.TIMEOUT);
  }

  /** Why starting {@code what} ("job", "pipeline") {@code id} was a conflict, and what to do. */
  static String conflictMessage(WorkflowClient client, String what, String id) {
    WorkflowExecutionStatus status;
    try {
      status = client.newUntypedWorkflowStub(id).describe().getStatus();
    } catch (RuntimeException e) {
      return what + " " + id + " already exists";
    }
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          what + " " + id + " is already running; watch it with ballast watch " + id;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
          what + " " + id + " already completed; pass --rerun to run it again";
      default -> what + " " + id + " already exists (" + Workflows.statusName(status) + "); pass --rerun to run it again";
    };
  }

  /** One line for the Temporal UI: job type, inputs and output. */
  static String summary(JobSpec spec) {
    String inputs =
        spec.inputs().size() == 1
            ? spec.inputs().get(0)
            : spec.inputs().get(0) + " and " + (spec.inputs().size() - 1) + " more";
    return spec.type() + ": " + inputs + " -> " + spec.output();
  }
}
