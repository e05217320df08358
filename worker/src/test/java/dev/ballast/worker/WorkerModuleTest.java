package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.JobSpec;
import dev.ballast.embedded.EmbeddedTemporal;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class WorkerModuleTest {
  private static final String PROBE_QUEUE = "worker-module-test";

  private static EmbeddedTemporal temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = EmbeddedTemporal.start(0);
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private static WorkerSettings settings() {
    return WorkerSettings.defaults(temporal.address())
        .withChunkSlots(2)
        .withNamespace("default");
  }

  private static WorkerService service(WorkerSettings settings) {
    Injector injector = Guice.createInjector(new WorkerModule(settings));
    return injector.getInstance(WorkerService.class);
  }

  @Test
  void injectorBuildsWithoutConnecting() {
    // An unreachable address: building the injector must not try to connect.
    WorkerSettings settings = WorkerSettings.defaults("127.0.0.1:1");
    Injector injector = Guice.createInjector(new WorkerModule(settings));
    assertSame(settings, injector.getInstance(WorkerSettings.class));
    WorkerService service = injector.getInstance(WorkerService.class);
    assertFalse(service.isRunning());
    assertInstanceOf(ChunkActivitiesImpl.class, injector.getInstance(ChunkActivitiesImpl.class));
  }

  @Test
  void unreachableAddressFailsFastNamingIt() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    WorkerService service = service(WorkerSettings.defaults(address));
    long started = System.nanoTime();
    TemporalUnreachableException e =
        assertThrows(TemporalUnreachableException.class, service::start);
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15, "took too long");
    assertTrue(e.getMessage().contains(address), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "message should be one line");
    assertFalse(service.isRunning());
  }

  @Test
  void autoStickyIsTurnedOffOnTheEmbeddedServiceAndOnIsHonoured() {
    WorkerService auto = service(settings());
    auto.start();
    try {
      assertTrue(auto.stickyDisabled());
      assertTrue(auto.isRunning());
    } finally {
      auto.stop();
    }
    assertFalse(auto.isRunning());
    auto.stop(); // idempotent

    WorkerService on = service(settings().withSticky(WorkerSettings.StickyMode.ON));
    on.start();
    try {
      assertFalse(on.stickyDisabled());
    } finally {
      on.stop();
    }
  }

  /** Starts a job whose spec names no registered type: its workflow task runs, then it fails. */
  private static WorkflowStub startJobOfUnknownType(WorkflowClient client, String id) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "BallastJob",
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
    stub.start(
        new JobSpec(id, "no-such-type", List.of("/nonexistent"), "/nonexistent-out",
            null, null, null, null, null, null, null));
    return stub;
  }

  @Test
  void autoStickyIsOnInProcessAndTheWorkerPollsThroughTheChannel() throws Exception {
    WorkerService service = service(settings()).useInProcessChannel(temporal.inProcessChannel());
    service.start();
    try {
      assertFalse(service.stickyDisabled(), "the in-process service stops with this worker");
      WorkflowClient client = service.client();
      String id = "worker-in-process-" + UUID.randomUUID();
      WorkflowStub stub = startJobOfUnknownType(client, id);
      HistoryEvent started = awaitWorkflowTaskStarted(client, id, Duration.ofSeconds(30));
      assertEquals(
          service.settings().identity(),
          started.getWorkflowTaskStartedEventAttributes().getIdentity());
      try {
        stub.terminate("test done");
      } catch (RuntimeException alreadyClosed) {
        // the job may already have failed on its bad spec
      }
    } finally {
      service.stop();
    }
  }

  @Test
  void jobWorkflowsArePolledOnTheJobsQueue() throws Exception {
    WorkerService service = service(settings());
    service.start();
    try {
      WorkflowClient client = service.client();
      String id = "worker-test-" + UUID.randomUUID();
      WorkflowStub stub = startJobOfUnknownType(client, id);

      HistoryEvent started = awaitWorkflowTaskStarted(client, id, Duration.ofSeconds(30));
      assertEquals(
          service.settings().identity(),
          started.getWorkflowTaskStartedEventAttributes().getIdentity());
      for (HistoryEvent event : client.fetchHistory(id).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
          String message = event.getWorkflowTaskFailedEventAttributes().getFailure().getMessage();
          assertFalse(message.contains("Unknown workflow type"), message);
        }
      }
      try {
        stub.terminate("test done");
      } catch (RuntimeException alreadyClosed) {
        // the job may already have failed on its bad spec
      }
    } finally {
      service.stop();
    }
  }

  @Test
  void chunkActivitiesArePolledOnTheChunksQueue(@TempDir Path dir) {
    WorkerService service = service(settings());
    service.start(
        factory -> factory.newWorker(PROBE_QUEUE).registerWorkflowImplementationTypes(ProbeImpl.class));
    try {
      ChunkTask task =
          new ChunkTask(
              "probe",
              "settlement",
              dir.resolve("staging").toString(),
              Map.of(),
              new ChunkRef(0, 0, dir.resolve("missing.csv").toString(), "missing.csv", 0, 10, 2, "00000000"));
      Probe probe =
          service
              .client()
              .newWorkflowStub(
                  Probe.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(PROBE_QUEUE)
                      .setWorkflowId("probe-" + UUID.randomUUID())
                      .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                      .build());
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, () -> probe.run(task));
      // The chunk worker picked the task up and ran ProcessChunk: the failure comes from the
      // activity (the input file is missing), not from a schedule-to-close timeout or an
      // unregistered activity type.
      ActivityFailure activity = assertInstanceOf(ActivityFailure.class, failed.getCause());
      ApplicationFailure app = assertInstanceOf(ApplicationFailure.class, activity.getCause());
      assertFalse(app.getOriginalMessage().contains("not registered"), app.getOriginalMessage());
    } finally {
      service.stop();
    }
  }

  private static HistoryEvent awaitWorkflowTaskStarted(
      WorkflowClient client, String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (HistoryEvent event : client.fetchHistory(id).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
          return event;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no workflow task of " + id + " started within " + timeout);
  }

  /** Calls the chunk activity on the chunks queue, once. */
  @WorkflowInterface
  public interface Probe {
    @WorkflowMethod
    ChunkResult run(ChunkTask task);
  }

  public static class ProbeImpl implements Probe {
    @Override
    public ChunkResult run(ChunkTask task) {
      return Workflow.newUntypedActivityStub(
              ActivityOptions.newBuilder()
                  .setTaskQueue(TaskQueues.CHUNKS)
                  .setScheduleToCloseTimeout(Duration.ofSeconds(20))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .execute("ProcessChunk", ChunkResult.class, task);
    }
  }
}
