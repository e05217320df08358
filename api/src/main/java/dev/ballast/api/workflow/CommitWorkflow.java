package dev.ballast.api.workflow;

import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.CommitStageInput;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Commit stage: publish outputs and manifest atomically, then clean the staging area. */
@WorkflowInterface
public interface CommitWorkflow {
  @WorkflowMethod(name = "BallastCommit")
  CommitResult commit(CommitStageInput input);
}
