package dev.ballast.workflows;

import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.workflow.CommitWorkflow;

public class CommitWorkflowImpl implements CommitWorkflow {
  @Override
  public CommitResult commit(CommitRequest request) {
    throw new UnsupportedOperationException("not yet");
  }
}
