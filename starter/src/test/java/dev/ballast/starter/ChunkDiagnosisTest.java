package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.TemporalConnections;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/** The chunks being retried, read from a process stage's pending activities and history. */
@Timeout(60)
class ChunkDiagnosisTest {
  private static final String QUEUE = "chunk-diagnosis-test";

  @WorkflowInterface
  public interface Stage {
    @WorkflowMethod
    void process(ChunkTask task);
  }

  public static class StageImpl implements Stage {
    @Override
    public void process(ChunkTask task) {
      ChunkActivities chunks =
          Workflow.newActivityStub(
              ChunkActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(100)).build())
                  .build());
      chunks.processChunk(task);
    }
  }

  /** Fails its first attempt at line 120; the second heartbeats line 150 and waits. */
  static class FlakyChunks implements ChunkActivities {
    final CountDownLatch secondAttemptHeartbeated = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public ChunkResult processChunk(ChunkTask task) {
      var context = Activity.getExecutionContext();
      if (context.getInfo().getAttempt() == 1) {
        context.heartbeat(new ChunkCheckpoint(1200, 120, 1, new Counts(118, 118, 0, 0)));
        throw ApplicationFailure.newFailure("disk hiccup", "IO");
      }
      context.heartbeat(new ChunkCheckpoint(1500, 150, 2, new Counts(148, 140, 0, 8)));
      secondAttemptHeartbeated.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ChunkResult(task.chunk().index(), Counts.ZERO, 2, 0, 0, false);
    }
  }

  @ParameterizedTest(name = "on the {0} service")
  @EnumSource(TestTemporal.Kind.class)
  void aRetriedChunkShowsItsAttemptLastErrorAndHeartbeatPosition(TestTemporal.Kind kind) throws Exception {
    try (TestTemporal temporal = TestTemporal.start(kind)) {
      WorkflowServiceStubs stubs = TemporalConnections.connect(temporal.address());
      WorkflowClient client = TemporalConnections.client(stubs, "default");
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker =
          factory.newWorker(
              QUEUE, WorkerOptions.newBuilder().setMaxHeartbeatThrottleInterval(Duration.ofMillis(100)).build());
      worker.registerWorkflowImplementationTypes(StageImpl.class);
      FlakyChunks chunks = new FlakyChunks();
      worker.registerActivitiesImplementations(chunks);
      factory.start();
      try {
        ChunkTask task =
            new ChunkTask("job-d", "settlement", "/staging", Map.of(),
                new ChunkRef(3, 0, "/in/a.csv", "a.csv", 1000, 5000, 101, "00000000"));
        WorkflowClient.start(
            client.newWorkflowStub(
                    Stage.class,
                    WorkflowOptions.newBuilder().setWorkflowId("job-d/process").setTaskQueue(QUEUE).build())
                ::process,
            task);
        assertTrue(chunks.secondAttemptHeartbeated.await(30, TimeUnit.SECONDS));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<ChunkDiagnosis.ChunkTrouble> retrying = ChunkDiagnosis.retryingChunks(client, "job-d");
        while (retrying.isEmpty() || retrying.get(0).atLine() != 150) {
          assertTrue(System.nanoTime() < deadline, "no retried chunk with its heartbeat: " + retrying);
          Thread.sleep(50);
          retrying = ChunkDiagnosis.retryingChunks(client, "job-d");
        }
        ChunkDiagnosis.ChunkTrouble t = retrying.get(0);
        assertEquals(3, t.index());
        assertEquals(2, t.attempt());
        assertEquals(148, t.rowsSoFar());
        assertEquals("disk hiccup", t.lastError());
        assertEquals(
            "chunk 3 (a.csv from line 101), attempt 2, at line 150 with 148 rows: disk hiccup",
            t.describe());
        chunks.release.countDown();
      } finally {
        chunks.release.countDown();
        factory.shutdownNow();
        stubs.shutdownNow();
      }
    }
  }
}
