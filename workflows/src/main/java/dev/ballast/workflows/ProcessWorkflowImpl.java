package dev.ballast.workflows;

import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.ProcessRequest;
import dev.ballast.api.model.ProcessResult;
import dev.ballast.api.workflow.ProcessWorkflow;

public class ProcessWorkflowImpl implements ProcessWorkflow {
  @Override
  public ProcessResult process(ProcessRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public ProcessProgress progress() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void pause() {}

  @Override
  public void resume() {}
}
