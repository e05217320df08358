package dev.ballast.starter;

import dev.ballast.api.Causes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;

/** Looking up a job or pipeline by id: its description, its status's name, and "not found". */
public final class Workflows {
  private Workflows() {}

  /**
   * The description of workflow {@code id}, a job or a pipeline.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when there is none
   */
  public static WorkflowExecutionDescription describe(WorkflowClient client, String id) {
    try {
      return client.newUntypedWorkflowStub(id).describe();
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "job " + id + " not found", e);
      }
      throw e;
    }
  }

  /** Whether {@code e} says the job (workflow) does not exist. */
  public static boolean isNotFound(Throwable e) {
    return Causes.chain(e).stream()
        .anyMatch(
            t -> t instanceof WorkflowNotFoundException
                || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND));
  }

  /** RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT... */
  public static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }
}
