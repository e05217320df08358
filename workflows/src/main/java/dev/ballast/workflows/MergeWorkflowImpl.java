package dev.ballast.workflows;

import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.workflow.MergeWorkflow;

public class MergeWorkflowImpl implements MergeWorkflow {
  @Override
  public MergeResult merge(MergeRequest request) {
    throw new UnsupportedOperationException("not yet");
  }
}
