package dev.ballast.api.workflow;

import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.ProcessProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A whole job. Its workflow id is the job id. It runs the stages as child workflows, in order:
 * plan, process, merge, commit. Cancel it with the ordinary workflow cancellation: in-flight chunks
 * stop and nothing is published.
 */
@WorkflowInterface
public interface JobWorkflow {

  @WorkflowMethod(name = "BallastJob")
  JobResult run(JobSpec spec);

  /** Where the job stands: stage, chunks, rows. */
  @QueryMethod
  JobProgress progress();

  /**
   * Stops dispatching new chunks; chunks in flight finish. The job owns the pause state: it
   * forwards it to its process stage and corrects a stage whose reports show another.
   */
  @SignalMethod
  void pause();

  /** Continues after {@link #pause()}. */
  @SignalMethod
  void resume();

  /**
   * Sent by the job's own process stage as chunks finish, without waiting for delivery. Reports
   * that do not carry the process stage's first run id, or that are older than the last one taken,
   * change nothing: nobody else can fake progress this way.
   */
  @SignalMethod
  void reportProgress(ProcessProgress progress);

  /** Child workflow id of a stage of job {@code jobId}. */
  static String stageId(String jobId, dev.ballast.job.policy.Stage stage) {
    return jobId + "/" + stage.key();
  }
}
