package dev.ballast.api.workflow;

import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.MergeStageInput;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Merge stage: combine the chunks' staged results into the job's staged outputs. */
@WorkflowInterface
public interface MergeWorkflow {
  @WorkflowMethod(name = "BallastMerge")
  MergeResult merge(MergeStageInput input);
}
