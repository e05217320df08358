package dev.ballast.api.workflow;

import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Plan stage: fingerprint the inputs, check their headers, split them into chunks. */
@WorkflowInterface
public interface PlanWorkflow {
  @WorkflowMethod(name = "BallastPlan")
  PlanResult plan(JobSpec spec);
}
