package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import org.junit.jupiter.api.Test;

class JobFailuresTest {
  private static final WorkflowExecution JOB = WorkflowExecution.newBuilder().setWorkflowId("j1").build();

  private static WorkflowFailedException failed(Throwable cause) {
    return new WorkflowFailedException(
        JOB, "BallastJob", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 10,
        RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, cause);
  }

  private static ChildWorkflowFailure child(Throwable cause) {
    return new ChildWorkflowFailure(
        1, 2, "BallastPlan", WorkflowExecution.newBuilder().setWorkflowId("j1/plan").build(),
        "default", RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, cause);
  }

  private static ActivityFailure activity(Throwable cause) {
    return new ActivityFailure(
        "activity failed", 5, 6, "Plan", "a1", RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, "w1", cause);
  }

  @Test
  void unwrapsToTheInnermostTypedApplicationFailure() {
    ApplicationFailure io =
        ApplicationFailure.newFailure("no such file: /in/a.csv", "java.nio.file.NoSuchFileException");
    ApplicationFailure typed =
        ApplicationFailure.newNonRetryableFailureWithCause(
            "input '/in/a.csv' does not exist", "INPUT_NOT_FOUND", io);
    JobFailures f = JobFailures.explain(failed(child(activity(typed))));
    assertEquals(JobFailures.Outcome.FAILED, f.outcome());
    assertEquals("INPUT_NOT_FOUND", f.type());
    assertEquals(
        "job j1 failed: input '/in/a.csv' does not exist (INPUT_NOT_FOUND)", f.describe("j1"));
    assertEquals(ExitCodes.JOB_FAILED, f.outcome().exitCode());
  }

  @Test
  void untypedFailureReportsTheInnermostOne() {
    ApplicationFailure inner = ApplicationFailure.newFailure("boom\nat line 2", "java.lang.IllegalStateException");
    JobFailures f = JobFailures.explain(failed(activity(inner)));
    assertEquals("job j1 failed: boom at line 2 (java.lang.IllegalStateException)", f.describe("j1"));
  }

  @Test
  void repeatedJobPrefixIsNotDoubled() {
    ApplicationFailure app =
        ApplicationFailure.newNonRetryableFailure("job j1 failed: 12 rows rejected", "TOLERANCE_EXCEEDED");
    assertEquals(
        "job j1 failed: 12 rows rejected (TOLERANCE_EXCEEDED)", JobFailures.explain(failed(app)).describe("j1"));
  }

  @Test
  void cancellationExitsThree() {
    JobFailures f = JobFailures.explain(failed(new CanceledFailure("cancelled")));
    assertEquals(JobFailures.Outcome.CANCELED, f.outcome());
    assertEquals(ExitCodes.JOB_CANCELLED, f.outcome().exitCode());
    assertEquals("job j1 was cancelled", f.describe("j1"));
  }
}
