package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.CommitStageInput;
import dev.ballast.api.workflow.CommitWorkflow;
import io.temporal.workflow.Workflow;

/** Commit stage: one idempotent activity that publishes the staged outputs and the manifest. */
public class CommitWorkflowImpl implements CommitWorkflow {
  @Override
  public CommitResult commit(CommitStageInput input) {
    CommitActivities activities =
        Workflow.newActivityStub(
            CommitActivities.class, StageOptions.activityOptions(input.policy(), TaskQueues.JOBS));
    return activities.commit(input.request());
  }
}
