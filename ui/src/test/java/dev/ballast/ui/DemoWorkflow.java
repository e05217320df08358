package dev.ballast.ui;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A small stand-in for a Ballast job: processes chunks one by one, answers a progress query. */
@WorkflowInterface
public interface DemoWorkflow {
  String TASK_QUEUE = "ballast-ui-test";

  @WorkflowMethod(name = "DemoSettlement")
  String run(int chunks);

  /** Chunks done so far, e.g. "chunks 1/3 done". */
  @QueryMethod
  String progress();
}
