package dev.ballast.api.workflow;

import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.ProcessRequest;
import dev.ballast.api.model.ProcessResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Process stage: one activity per chunk, at most {@code maxInFlight} at once; continues as new
 * when its history grows long.
 */
@WorkflowInterface
public interface ProcessWorkflow {
  @WorkflowMethod(name = "BallastProcess")
  ProcessResult process(ProcessRequest request);

  @QueryMethod
  ProcessProgress progress();

  /**
   * The job workflow's channel to forward its pause state; the job owns it, and resumes a stage
   * paused by anyone else at the stage's next progress report.
   */
  @SignalMethod
  void pause();

  /** See {@link #pause()}. */
  @SignalMethod
  void resume();
}
