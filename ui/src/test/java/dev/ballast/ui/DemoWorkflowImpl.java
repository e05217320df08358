package dev.ballast.ui;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Runs {@link DemoActivities#processChunk} once per chunk, in order. */
public class DemoWorkflowImpl implements DemoWorkflow {

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          // The activity blocks until the test releases it: long start-to-close, short heartbeat.
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .build();

  private final DemoActivities activities = Workflow.newActivityStub(DemoActivities.class, OPTIONS);
  private int done;
  private int total;

  @Override
  public String run(int chunks) {
    total = chunks;
    long rows = 0;
    for (int i = 0; i < chunks; i++) {
      rows += activities.processChunk(Workflow.getInfo().getWorkflowId() + "/chunk-" + i);
      done++;
    }
    return "processed " + rows + " rows";
  }

  @Override
  public String progress() {
    return "chunks " + done + "/" + total + " done";
  }
}
