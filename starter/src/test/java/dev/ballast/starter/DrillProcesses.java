package dev.ballast.starter;

import dev.ballast.api.TaskQueues;
import dev.ballast.worker.TemporalConnections;
import dev.ballast.worker.failover.WorkerProcesses;
import dev.ballast.worker.observe.HealthServer;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ballast worker} JVMs for failover drills, each named and logging on its own, optionally
 * with {@code --allow-drills} and a metrics port. Closing stops every one still running.
 */
final class DrillProcesses implements AutoCloseable {
  /** One worker JVM. */
  record Worker(String identity, WorkerProcesses processes, Integer metricsPort) {
    Process process() {
      return processes.process("worker-1").orElseThrow();
    }

    /** Waits for the process to exit; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
      Process p = process();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(identity + " still runs after " + timeout);
      }
      return p.exitValue();
    }

    String log() throws IOException {
      return processes.logText("worker-1");
    }

    /** The worker's Prometheus page. */
    String metrics() throws IOException, InterruptedException {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + HealthServer.METRICS)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    }
  }

  private final String address;
  private final Path logs;
  private final List<Worker> started = new ArrayList<>();

  DrillProcesses(String address, Path logs) {
    this.address = address;
    this.logs = logs;
  }

  /** Starts worker {@code identity} and waits until it polls. */
  synchronized Worker start(String identity, boolean allowDrills, boolean metrics)
      throws IOException, InterruptedException {
    return startAll(List.of(identity), allowDrills, metrics).get(0);
  }

  /** Starts the workers {@code identities} at once, then waits until each polls. */
  synchronized List<Worker> startAll(List<String> identities, boolean allowDrills, boolean metrics)
      throws IOException, InterruptedException {
    List<Worker> launched = new ArrayList<>();
    for (String identity : identities) {
      launched.add(launch(identity, allowDrills, metrics));
    }
    for (Worker w : launched) {
      w.processes().awaitLog("worker-1", "polling", Duration.ofSeconds(60));
    }
    awaitPolled(identities, allowDrills, Duration.ofSeconds(60));
    return launched;
  }

  /**
   * Waits until the server lists each of {@code identities} among the pollers of the jobs queue
   * (and of the drill queue when {@code drills}): the worker logs "polling" when it starts its
   * pollers, but the server names a poller only once its first poll arrived, and the drill reads
   * the pool from the server.
   */
  private void awaitPolled(List<String> identities, boolean drills, Duration timeout) throws InterruptedException {
    WorkflowServiceStubs stubs = TemporalConnections.connect(address);
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Set<String> missing = new TreeSet<>();
        for (String identity : identities) {
          if (!pollers(stubs, TaskQueues.JOBS, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).contains(identity)
              || (drills && !pollers(stubs, TaskQueues.DRILLS, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY).contains(identity))) {
            missing.add(identity);
          }
        }
        if (missing.isEmpty()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the server lists no poll yet from " + missing + " after " + timeout);
        }
        Thread.sleep(100);
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /** The identities the server lists as polling {@code queue} of namespace default for {@code type} tasks. */
  static Set<String> pollers(WorkflowServiceStubs stubs, String queue, TaskQueueType type) {
    return stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
        .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace("default")
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setTaskQueueType(type)
            .build())
        .getPollersList().stream()
        .map(PollerInfo::getIdentity)
        .collect(Collectors.toSet());
  }

  private Worker launch(String identity, boolean allowDrills, boolean metrics) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("BALLAST_IDENTITY", identity);
    env.put("BALLAST_CHUNK_SLOTS", "1");
    Integer port = metrics ? freePort() : null;
    if (port != null) {
      env.put(HealthServer.ENV_PORT, String.valueOf(port));
    }
    List<String> main = new ArrayList<>(List.of(StarterMain.class.getName(), "worker"));
    if (allowDrills) {
      main.add("--allow-drills");
    }
    WorkerProcesses p = new WorkerProcesses(address, logs.resolve(identity), env, main);
    Worker w = new Worker(identity, p, port);
    started.add(w);
    p.launch();
    return w;
  }

  /** The worker named {@code identity}. */
  synchronized Optional<Worker> named(String identity) {
    return started.stream().filter(w -> w.identity().equals(identity)).findFirst();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws InterruptedException {
    for (Worker w : started) {
      w.processes().close();
    }
    started.clear();
  }
}
