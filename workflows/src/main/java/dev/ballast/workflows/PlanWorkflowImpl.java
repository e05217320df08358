package dev.ballast.workflows;

import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.api.workflow.PlanWorkflow;

public class PlanWorkflowImpl implements PlanWorkflow {
  @Override
  public PlanResult plan(JobSpec spec) {
    throw new UnsupportedOperationException("not yet");
  }
}
