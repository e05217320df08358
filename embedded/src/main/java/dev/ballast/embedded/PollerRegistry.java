package dev.ballast.embedded;

import com.google.protobuf.Timestamp;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.temporal.api.deployment.v1.WorkerDeploymentOptions;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers polling the embedded service's task queues, as a real server's matching service
 * knows them: every poll call (from any process, over the network or in process) records its
 * worker identity, task queue and time. The test server keeps no such list ({@code
 * DescribeTaskQueue} is unimplemented), so {@link EmbeddedTemporal} records it here for the Web UI.
 *
 * <p>Like a real server, a poller is listed until {@link #TTL} after its last poll, with the time
 * that poll started as its last access time.
 */
public final class PollerRegistry {
  /** How long a poller stays listed after its last poll (a real server's poller history TTL). */
  public static final Duration TTL = Duration.ofMinutes(5);

  /** What a real server reports as a poller's rate when the worker sets none. */
  static final double DEFAULT_RATE_PER_SECOND = 100_000;

  private record Key(String namespace, String taskQueue, TaskQueueType type, String identity) {}

  private record Seen(Instant lastAccess, double ratePerSecond, WorkerDeploymentOptions deployment) {}

  private final Map<Key, Seen> pollers = new ConcurrentHashMap<>();
  private final Clock clock;

  PollerRegistry(Clock clock) {
    this.clock = clock;
  }

  /** Records one poll. Sticky queues (one per worker, for its cached workflows) are not listed. */
  void record(String namespace, TaskQueue queue, TaskQueueType type, String identity, double ratePerSecond) {
    record(namespace, queue, type, identity, ratePerSecond, null);
  }

  /** Records one poll of a worker that reported its build ({@code deployment}, may be null). */
  void record(
      String namespace,
      TaskQueue queue,
      TaskQueueType type,
      String identity,
      double ratePerSecond,
      WorkerDeploymentOptions deployment) {
    if (queue.getKind() == TaskQueueKind.TASK_QUEUE_KIND_STICKY) {
      return;
    }
    pollers.put(
        new Key(namespace, queue.getName(), type, identity),
        new Seen(clock.instant(), ratePerSecond > 0 ? ratePerSecond : DEFAULT_RATE_PER_SECOND, deployment));
  }

  /**
   * The pollers of a task queue seen within {@link #TTL}, most recent first; as {@code
   * DescribeTaskQueue} of a real server lists them.
   */
  public List<PollerInfo> pollers(String namespace, String taskQueue, TaskQueueType type) {
    Instant oldest = clock.instant().minus(TTL);
    List<Map.Entry<Key, Seen>> matching = new ArrayList<>();
    for (Map.Entry<Key, Seen> e : pollers.entrySet()) {
      Key k = e.getKey();
      if (e.getValue().lastAccess().isBefore(oldest)) {
        pollers.remove(k, e.getValue());
      } else if (k.namespace().equals(namespace) && k.taskQueue().equals(taskQueue) && k.type() == type) {
        matching.add(e);
      }
    }
    matching.sort(Comparator.comparing((Map.Entry<Key, Seen> e) -> e.getValue().lastAccess()).reversed());
    List<PollerInfo> result = new ArrayList<>();
    for (Map.Entry<Key, Seen> e : matching) {
      Instant t = e.getValue().lastAccess();
      PollerInfo.Builder info =
          PollerInfo.newBuilder()
              .setIdentity(e.getKey().identity())
              .setLastAccessTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()))
              .setRatePerSecond(e.getValue().ratePerSecond());
      if (e.getValue().deployment() != null) {
        info.setDeploymentOptions(e.getValue().deployment());
      }
      result.add(info.build());
    }
    return result;
  }

  /** Records the polls passing through a gRPC server. */
  ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        String method = call.getMethodDescriptor().getBareMethodName();
        if (!"PollWorkflowTaskQueue".equals(method) && !"PollActivityTaskQueue".equals(method)) {
          return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onMessage(Q message) {
            if (message instanceof PollWorkflowTaskQueueRequest poll) {
              record(poll.getNamespace(), poll.getTaskQueue(), TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                  poll.getIdentity(), 0,
                  poll.hasDeploymentOptions() ? poll.getDeploymentOptions() : null);
            } else if (message instanceof PollActivityTaskQueueRequest poll) {
              record(poll.getNamespace(), poll.getTaskQueue(), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                  poll.getIdentity(),
                  poll.hasTaskQueueMetadata() && poll.getTaskQueueMetadata().hasMaxTasksPerSecond()
                      ? poll.getTaskQueueMetadata().getMaxTasksPerSecond().getValue()
                      : 0,
                  poll.hasDeploymentOptions() ? poll.getDeploymentOptions() : null);
            }
            super.onMessage(message);
          }
        };
      }
    };
  }

  /**
   * Answers {@code DescribeTaskQueue} (unimplemented by the test server) with the pollers recorded
   * here, as a real server's legacy mode does: pollers only, no backlog statistics.
   */
  ServerInterceptor describeTaskQueue() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!"DescribeTaskQueue".equals(call.getMethodDescriptor().getBareMethodName())) {
          return next.startCall(call, headers);
        }
        call.request(2);
        return new ServerCall.Listener<>() {
          private Q request;

          @Override
          public void onMessage(Q message) {
            request = message;
          }

          @Override
          @SuppressWarnings("unchecked")
          public void onHalfClose() {
            if (!(request instanceof DescribeTaskQueueRequest describe)) {
              call.close(Status.INVALID_ARGUMENT.withDescription("missing request"), new Metadata());
              return;
            }
            TaskQueueType type =
                describe.getTaskQueueType() == TaskQueueType.TASK_QUEUE_TYPE_UNSPECIFIED
                    ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
                    : describe.getTaskQueueType();
            DescribeTaskQueueResponse response =
                DescribeTaskQueueResponse.newBuilder()
                    .addAllPollers(pollers(describe.getNamespace(), describe.getTaskQueue().getName(), type))
                    .build();
            call.sendHeaders(new Metadata());
            call.sendMessage((A) response);
            call.close(Status.OK, new Metadata());
          }
        };
      }
    };
  }
}
