package dev.ballast.api.workflow;

import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.api.model.PipelineSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A multi-stage job: runs one {@link JobWorkflow} per stage as a child, in order, the published
 * output of a stage feeding the next. Started again with the same id after a failure, it skips the
 * stages whose published result is intact and resumes at the stage that failed.
 */
@WorkflowInterface
public interface PipelineWorkflow {
  @WorkflowMethod(name = "BallastPipeline")
  PipelineResult run(PipelineSpec spec);

  /** The job id of the stage running now (null before the first, and after the last). */
  @QueryMethod
  String currentJob();

  /**
   * Every stage with its job id and state (pending, running, completed, failed, cancelled,
   * skipped-intact) and the run of its job; what {@code ballast status} and {@code watch} show.
   */
  @QueryMethod
  PipelineProgress pipelineProgress();

  /** Job id of stage {@code index} (0-based) of pipeline {@code pipelineId}. */
  static String stageJobId(String pipelineId, int index, String type) {
    return pipelineId + "." + (index + 1) + "-" + type;
  }
}
