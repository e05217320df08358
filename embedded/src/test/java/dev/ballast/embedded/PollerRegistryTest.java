package dev.ballast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded service lists who polls its task queues, as a real server's DescribeTaskQueue does. */
@Timeout(60)
class PollerRegistryTest {

  @WorkflowInterface
  public interface Noop {
    @WorkflowMethod
    void run();
  }

  public static class NoopImpl implements Noop {
    @Override
    public void run() {}
  }

  @ActivityInterface
  public interface Ping {
    void ping();
  }

  public static class PingImpl implements Ping {
    @Override
    public void ping() {}
  }

  private static WorkerFactory worker(WorkflowServiceStubs stubs, String identity, boolean workflows) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setIdentity(identity).build()));
    io.temporal.worker.Worker worker = factory.newWorker("q1");
    if (workflows) {
      worker.registerWorkflowImplementationTypes(NoopImpl.class);
    }
    worker.registerActivitiesImplementations(new PingImpl());
    factory.start();
    return factory;
  }

  private static Set<String> identities(List<PollerInfo> pollers) {
    Set<String> ids = new TreeSet<>();
    pollers.forEach(p -> ids.add(p.getIdentity()));
    return ids;
  }

  private static Set<String> await(EmbeddedTemporal service, TaskQueueType type, Set<String> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Set<String> seen;
    do {
      seen = identities(service.pollers("default", "q1", type));
      if (seen.equals(expected)) {
        return seen;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return seen;
  }

  @Test
  void pollsOverTheNetworkAndInProcessAreListedByQueueAndType() throws Exception {
    try (EmbeddedTemporal service = EmbeddedTemporal.start(0)) {
      WorkflowServiceStubs tcp =
          WorkflowServiceStubs.newConnectedServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(service.address()).build(), Duration.ofSeconds(5));
      WorkflowServiceStubs inProcess =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setChannel(service.inProcessChannel()).build());
      WorkerFactory overTcp = worker(tcp, "tcp-worker", true);
      WorkerFactory local = worker(inProcess, "in-process-worker", false);
      try {
        assertEquals(
            Set.of("tcp-worker", "in-process-worker"),
            await(service, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, Set.of("tcp-worker", "in-process-worker")));
        assertEquals(
            Set.of("tcp-worker"),
            await(service, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, Set.of("tcp-worker")),
            "only the worker with workflows polls the workflow queue");
        assertEquals(List.of(), service.pollers("default", "other", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW));
        assertEquals(List.of(), service.pollers("other-ns", "q1", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW));
        PollerInfo poller = service.pollers("default", "q1", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).get(0);
        assertTrue(poller.getLastAccessTime().getSeconds() > 0);
        assertEquals(100_000, poller.getRatePerSecond());
      } finally {
        overTcp.shutdownNow();
        local.shutdownNow();
        overTcp.awaitTermination(5, TimeUnit.SECONDS);
        local.awaitTermination(5, TimeUnit.SECONDS);
        tcp.shutdownNow();
      }
    }
  }

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aPollerIsForgottenFiveMinutesAfterItsLastPoll() {
    ManualClock clock = new ManualClock();
    PollerRegistry registry = new PollerRegistry(clock);
    io.temporal.api.taskqueue.v1.TaskQueue queue = io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName("q").build();
    registry.record("ns", queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "w1", 0);
    clock.now = clock.now.plus(Duration.ofMinutes(4));
    registry.record("ns", queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "w2", 50);
    registry.record(
        "ns",
        queue.toBuilder().setName("sticky-1").setKind(io.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY).build(),
        TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "w2", 0);
    List<PollerInfo> both = registry.pollers("ns", "q", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
    assertEquals(List.of("w2", "w1"), both.stream().map(PollerInfo::getIdentity).toList(), "most recent first");
    assertEquals(50, both.get(0).getRatePerSecond());
    assertEquals(List.of(), registry.pollers("ns", "sticky-1", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW));
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    assertEquals(
        List.of("w2"),
        registry.pollers("ns", "q", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).stream().map(PollerInfo::getIdentity).toList());
  }
}
