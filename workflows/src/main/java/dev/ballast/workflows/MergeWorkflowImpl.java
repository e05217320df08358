package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.MergeStageInput;
import dev.ballast.api.workflow.MergeWorkflow;
import io.temporal.workflow.Workflow;

/** Merge stage: one activity that combines the chunks' staged results. */
public class MergeWorkflowImpl implements MergeWorkflow {
  @Override
  public MergeResult merge(MergeStageInput input) {
    MergeActivities activities =
        Workflow.newActivityStub(
            MergeActivities.class, StageOptions.activityOptions(input.policy(), TaskQueues.JOBS));
    return activities.merge(input.request());
  }
}
