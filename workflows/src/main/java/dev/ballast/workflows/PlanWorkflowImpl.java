package dev.ballast.workflows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.api.workflow.PlanWorkflow;
import dev.ballast.job.policy.Stage;
import io.temporal.workflow.Workflow;

/**
 * Plan stage: one activity that fingerprints and splits the inputs into a plan kept in the staging
 * area; the stage returns its reference (counts and SHA-256), never the lists.
 */
public class PlanWorkflowImpl implements PlanWorkflow {
  @Override
  public PlanResult plan(JobSpec spec) {
    PlanActivities activities =
        Workflow.newActivityStub(
            PlanActivities.class,
            StageOptions.activityOptions(spec.policy(Stage.PLAN), TaskQueues.JOBS));
    PlanResult plan = activities.plan(spec);
    Workflow.setCurrentDetails(
        String.format(
            "%d input file(s), %d chunk(s), %s", plan.inputCount(), plan.chunkCount(),
            Sizes.human(plan.totalBytes())));
    return plan;
  }
}
