package dev.ballast.workflows;

import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.workflow.JobWorkflow;

public class JobWorkflowImpl implements JobWorkflow {
  @Override
  public JobResult run(JobSpec spec) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public JobProgress progress() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void pause() {}

  @Override
  public void resume() {}

  @Override
  public void reportProgress(ProcessProgress progress) {}
}
