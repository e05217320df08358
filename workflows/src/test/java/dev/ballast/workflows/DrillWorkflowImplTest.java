package dev.ballast.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.AlertActivities;
import dev.ballast.api.activity.DrillActivities;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.DrillChunk;
import dev.ballast.api.model.DrillChunkResult;
import dev.ballast.api.model.DrillReport;
import dev.ballast.api.model.DrillRequest;
import dev.ballast.api.workflow.DrillWorkflow;
import dev.ballast.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drill workflow's verdicts against fake drill activities (what a resumed chunk reports) and a
 * fake alert sender; the real chunk, its process stop and the failover are exercised by the CLI's
 * {@code DrillIT} with real worker processes. Also records the histories the replay tests keep.
 */
@Timeout(60)
class DrillWorkflowImplTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  private static final String HOOK = "http://127.0.0.1:9/hook";

  /** Answers the chunk with a given result. */
  static final class FakeDrill implements DrillActivities {
    private final DrillChunkResult result;

    FakeDrill(DrillChunkResult result) {
      this.result = result;
    }

    @Override
    public String enlist(String drillId) {
      return "w1";
    }

    @Override
    public DrillChunkResult runChunk(DrillChunk chunk) {
      return result;
    }
  }

  static final class FakeAlerts implements AlertActivities {
    final List<AlertRequest> sent = new CopyOnWriteArrayList<>();

    @Override
    public void sendAlert(AlertRequest request) {
      sent.add(request);
    }
  }

  /** A resumed chunk: stopped on w1 at t, resumed on {@code resumedBy} at t + failover. */
  private static DrillChunkResult resumed(String resumedBy, long sum, long failoverMillis) {
    long t = 1_800_000_000_000L;
    return new DrillChunkResult(20, sum, 5, "w1", t, resumedBy, t + failoverMillis, 2);
  }

  private static DrillReport run(TestWorkflowEnvironment env, String id, DrillChunkResult result, FakeAlerts alerts)
      throws IOException {
    Worker jobs = env.newWorker(TaskQueues.JOBS);
    jobs.registerWorkflowImplementationTypes(DrillWorkflowImpl.class);
    jobs.registerActivitiesImplementations(alerts);
    if (result != null) {
      env.newWorker(TaskQueues.DRILLS).registerActivitiesImplementations(new FakeDrill(result));
    }
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    DrillWorkflow drill = client.newWorkflowStub(
        DrillWorkflow.class, WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
    try {
      return drill.run(new DrillRequest(30_000, 300_000, List.of(HOOK)));
    } finally {
      if (Boolean.getBoolean(HistoryRecorder.PROPERTY)) {
        HistoryRecorder.recordDrill(client, id);
      }
    }
  }

  private static DrillReport failed(TestWorkflowEnvironment env, String id, DrillChunkResult result, FakeAlerts alerts) {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> run(env, id, result, alerts));
    ApplicationFailure failure = (ApplicationFailure) e.getCause();
    assertEquals(DrillReport.FAILED, failure.getType());
    DrillReport report = failure.getDetails().get(DrillReport.class);
    assertFalse(report.passed());
    assertEquals(1, alerts.sent.size(), alerts.sent.toString());
    AlertRequest alert = alerts.sent.get(0);
    assertEquals(AlertRequest.DRILL_FAILED, alert.event());
    assertEquals(id, alert.jobId());
    assertEquals(HOOK, alert.webhook());
    assertEquals(report.verdict(), alert.message());
    return report;
  }

  @Test
  void anotherWorkerResumingInTimeWithTheRightSumPasses(TestWorkflowEnvironment env) throws Exception {
    FakeAlerts alerts = new FakeAlerts();
    DrillReport report = run(env, "drill-pass", resumed("w2", 210, 3_500), alerts);
    assertTrue(report.passed(), report.toString());
    assertEquals("failover in 3.5 s (objective 30.0 s)", report.verdict());
    assertEquals(3_500, report.failoverMillis());
    assertEquals("w1", report.stoppedWorker());
    assertEquals("w2", report.resumedWorker());
    assertTrue(report.outputCorrect());
    assertTrue(alerts.sent.isEmpty(), "a passed drill sends no alert");
  }

  @Test
  void aWrongSumFailsAndAlerts(TestWorkflowEnvironment env) {
    DrillReport report = failed(env, "drill-wrong", resumed("w2", 200, 3_500), new FakeAlerts());
    assertTrue(report.verdict().startsWith("the resumed chunk's output is wrong: sum 200"), report.verdict());
  }

  @Test
  void aFailoverOverTheObjectiveFails(TestWorkflowEnvironment env) {
    DrillReport report = failed(env, "drill-slow", resumed("w2", 210, 31_000), new FakeAlerts());
    assertEquals("failover took 31.0 s, over the objective of 30.0 s", report.verdict());
    assertEquals(31_000, report.failoverMillis());
  }

  @Test
  void resumingOnTheSameWorkerIsNoFailover(TestWorkflowEnvironment env) {
    DrillReport report = failed(env, "drill-same", resumed("w1", 210, 3_500), new FakeAlerts());
    assertTrue(report.verdict().contains("resumed on the worker that stopped (w1)"), report.verdict());
  }

  @Test
  void withoutADrillWorkerTheDrillFailsAfterItsBoundedWait(TestWorkflowEnvironment env) {
    DrillReport report = failed(env, "drill-none", null, new FakeAlerts());
    assertEquals("no worker took the drill's first task within 10 s: no worker polls task queue ballast-drills"
        + " (start workers with --allow-drills)", report.verdict());
    assertEquals(-1, report.failoverMillis());
  }
}
