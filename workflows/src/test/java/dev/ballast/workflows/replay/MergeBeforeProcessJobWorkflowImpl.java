package dev.ballast.workflows.replay;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeStageInput;
import dev.ballast.api.model.PlanResult;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.MergeWorkflow;
import dev.ballast.api.workflow.PlanWorkflow;
import dev.ballast.job.policy.Stage;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * A deliberately incompatible job workflow (it merges right after planning), used to prove that
 * the replay tests catch a change that would break running jobs.
 */
public class MergeBeforeProcessJobWorkflowImpl implements JobWorkflow {
  @Override
  public JobResult run(JobSpec spec) {
    String id = Workflow.getInfo().getWorkflowId();
    PlanResult plan =
        Workflow.newChildWorkflowStub(PlanWorkflow.class, options(id, Stage.PLAN)).plan(spec);
    Workflow.newChildWorkflowStub(MergeWorkflow.class, options(id, Stage.MERGE))
        .merge(
            new MergeStageInput(
                new MergeRequest(id, spec.type(), plan.stagingDir(), spec.parameters(),
                    plan.chunks(), null),
                spec.withDefaults().policy(Stage.MERGE)));
    return null;
  }

  private static ChildWorkflowOptions options(String id, Stage stage) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(JobWorkflow.stageId(id, stage))
        .setTaskQueue(TaskQueues.JOBS)
        .build();
  }

  @Override
  public JobProgress progress() {
    return null;
  }

  @Override
  public void pause() {}

  @Override
  public void resume() {}

  @Override
  public void reportProgress(ProcessProgress progress) {}
}
