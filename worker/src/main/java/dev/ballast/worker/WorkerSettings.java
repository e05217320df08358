package dev.ballast.worker;

import dev.ballast.api.TaskQueues;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a worker process connects and what it polls.
 *
 * @param address Temporal frontend, {@code HOST:PORT}
 * @param namespace Temporal namespace
 * @param queues task queues to poll: {@link TaskQueues#JOBS} (workflows plus plan, merge and
 *     commit activities) and/or {@link TaskQueues#CHUNKS} (chunk activities)
 * @param chunkSlots largest number of chunk activities this worker runs at once
 * @param sticky whether workflows stay cached on this worker between tasks
 * @param identity worker identity shown by Temporal (pending activities name it)
 * @param drainTimeout how long a graceful stop waits for running tasks before interrupting them
 */
public record WorkerSettings(
    String address,
    String namespace,
    List<String> queues,
    int chunkSlots,
    StickyMode sticky,
    String identity,
    Duration drainTimeout) {

  /** Default frontend address. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  /** Default namespace. */
  public static final String DEFAULT_NAMESPACE = "default";
  /** Default graceful-stop drain timeout. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Sticky execution keeps a workflow cached on the worker that ran its last task. The embedded
   * service never times out a sticky queue, so a workflow cached on a dead worker would be stuck
   * there for good: AUTO turns stickiness off when it detects the embedded service.
   */
  public enum StickyMode {
    AUTO,
    ON,
    OFF
  }

  public WorkerSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(namespace, "namespace");
    queues = List.copyOf(queues);
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("a worker must poll at least one task queue");
    }
    for (String queue : queues) {
      if (!queue.equals(TaskQueues.JOBS) && !queue.equals(TaskQueues.CHUNKS)) {
        throw new IllegalArgumentException(
            "unknown task queue '" + queue + "' (expected " + TaskQueues.JOBS + " or " + TaskQueues.CHUNKS + ")");
      }
    }
    if (chunkSlots < 1) {
      throw new IllegalArgumentException("chunk slots must be at least 1, got " + chunkSlots);
    }
    Objects.requireNonNull(sticky, "sticky");
    Objects.requireNonNull(identity, "identity");
    if (drainTimeout == null || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drain timeout must be zero or more");
    }
  }

  /** Settings for {@code address} with every other field at its default. */
  public static WorkerSettings defaults(String address) {
    return new WorkerSettings(
        address,
        DEFAULT_NAMESPACE,
        List.of(TaskQueues.JOBS, TaskQueues.CHUNKS),
        Runtime.getRuntime().availableProcessors(),
        StickyMode.AUTO,
        defaultIdentity(),
        DEFAULT_DRAIN_TIMEOUT);
  }

  /** Settings from the process environment (see {@link #fromEnv(Map)}). */
  public static WorkerSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * Settings from environment variables: {@code TEMPORAL_ADDRESS} (default 127.0.0.1:7233),
   * {@code TEMPORAL_NAMESPACE} (default "default"), {@code BALLAST_QUEUES} (comma-separated queue
   * names, or the short forms {@code jobs} and {@code chunks}; default both), {@code
   * BALLAST_CHUNK_SLOTS} (default: available processors), {@code BALLAST_STICKY} (auto, on, off;
   * default auto), {@code BALLAST_DRAIN_SECONDS} (default 30) and {@code BALLAST_IDENTITY}.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static WorkerSettings fromEnv(Map<String, String> env) {
    WorkerSettings d = defaults(value(env, "TEMPORAL_ADDRESS", DEFAULT_ADDRESS));
    String queuesValue = env.get("BALLAST_QUEUES");
    List<String> queues = blank(queuesValue) ? d.queues() : parseQueues(queuesValue);
    int slots = d.chunkSlots();
    String slotsValue = env.get("BALLAST_CHUNK_SLOTS");
    if (!blank(slotsValue)) {
      slots = parseInt("BALLAST_CHUNK_SLOTS", slotsValue);
    }
    StickyMode sticky = d.sticky();
    String stickyValue = env.get("BALLAST_STICKY");
    if (!blank(stickyValue)) {
      try {
        sticky = StickyMode.valueOf(stickyValue.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "BALLAST_STICKY must be auto, on or off, not '" + stickyValue + "'", e);
      }
    }
    Duration drain = d.drainTimeout();
    String drainValue = env.get("BALLAST_DRAIN_SECONDS");
    if (!blank(drainValue)) {
      drain = Duration.ofSeconds(parseInt("BALLAST_DRAIN_SECONDS", drainValue));
    }
    return new WorkerSettings(
        d.address(),
        value(env, "TEMPORAL_NAMESPACE", DEFAULT_NAMESPACE),
        queues,
        slots,
        sticky,
        value(env, "BALLAST_IDENTITY", d.identity()),
        drain);
  }

  /**
   * Parses a comma-separated queue list; accepts the full names and the short forms {@code jobs}
   * and {@code chunks}.
   */
  public static List<String> parseQueues(String value) {
    List<String> queues = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      String queue =
          switch (name.toLowerCase(Locale.ROOT)) {
            case "jobs", TaskQueues.JOBS -> TaskQueues.JOBS;
            case "chunks", TaskQueues.CHUNKS -> TaskQueues.CHUNKS;
            default -> throw new IllegalArgumentException(
                "unknown task queue '" + name + "' (expected jobs, chunks, "
                    + TaskQueues.JOBS + " or " + TaskQueues.CHUNKS + ")");
          };
      if (!queues.contains(queue)) {
        queues.add(queue);
      }
    }
    return queues;
  }

  /** A copy with another address. */
  public WorkerSettings withAddress(String newAddress) {
    return new WorkerSettings(newAddress, namespace, queues, chunkSlots, sticky, identity, drainTimeout);
  }

  /** A copy with another namespace. */
  public WorkerSettings withNamespace(String newNamespace) {
    return new WorkerSettings(address, newNamespace, queues, chunkSlots, sticky, identity, drainTimeout);
  }

  /** A copy polling other queues. */
  public WorkerSettings withQueues(List<String> newQueues) {
    return new WorkerSettings(address, namespace, newQueues, chunkSlots, sticky, identity, drainTimeout);
  }

  /** A copy with another number of chunk slots. */
  public WorkerSettings withChunkSlots(int newChunkSlots) {
    return new WorkerSettings(address, namespace, queues, newChunkSlots, sticky, identity, drainTimeout);
  }

  /** A copy with another sticky mode. */
  public WorkerSettings withSticky(StickyMode newSticky) {
    return new WorkerSettings(address, namespace, queues, chunkSlots, newSticky, identity, drainTimeout);
  }

  /** {@code ballast-worker-PID@HOST}. */
  public static String defaultIdentity() {
    return "ballast-worker-" + ManagementFactory.getRuntimeMXBean().getName();
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return blank(v) ? fallback : v.trim();
  }

  private static boolean blank(String v) {
    return v == null || v.isBlank();
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
    }
  }
}
