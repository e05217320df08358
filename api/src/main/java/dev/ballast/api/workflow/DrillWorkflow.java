package dev.ballast.api.workflow;

import dev.ballast.api.model.DrillReport;
import dev.ballast.api.model.DrillRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A failover drill: runs one chunk on the drill task queue whose first attempt stops its worker's
 * process hard mid-chunk, measures how long until another worker resumes it, checks its output,
 * and returns the report; fails (type {@link DrillReport#FAILED}, the report as details) and alerts
 * the webhooks when no other worker took over within the objective or the output was wrong.
 */
@WorkflowInterface
public interface DrillWorkflow {
  @WorkflowMethod(name = "BallastDrill")
  DrillReport run(DrillRequest request);
}
