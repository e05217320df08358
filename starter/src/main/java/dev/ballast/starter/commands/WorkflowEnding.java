package dev.ballast.starter.commands;

import dev.ballast.starter.JobFailures;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a job or pipeline ended, as far as its status tells: whether it is closed, and then its
 * result or the explanation of its failure (neither when the result cannot be had in 5 s).
 */
record WorkflowEnding<T>(boolean closed, T result, JobFailures failure) {
  static <T> WorkflowEnding<T> of(WorkflowStub stub, WorkflowExecutionStatus status, Class<T> type) {
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      return new WorkflowEnding<>(false, null, null);
    }
    try {
      return new WorkflowEnding<>(true, stub.getResult(5, TimeUnit.SECONDS, type), null);
    } catch (WorkflowException e) {
      return new WorkflowEnding<>(true, null, JobFailures.explain(e));
    } catch (TimeoutException | RuntimeException e) {
      return new WorkflowEnding<>(true, null, null); // no result to show
    }
  }
}
