package dev.ballast.ui;

import java.util.Objects;

/**
 * How to run the {@link UiServer}.
 *
 * @param temporalTarget gRPC target of the Temporal frontend, e.g. {@code 127.0.0.1:7233}
 * @param namespace the namespace the UI opens first (and the only one listed when the service
 *     cannot list namespaces)
 * @param bindHost interface to listen on; {@link #LOOPBACK} by default. Anything else exposes an
 *     <b>unauthenticated</b> UI that can signal, cancel and terminate workflows to the network
 * @param port HTTP port; 0 picks a free one (a CLI "off" switch must not call {@link UiServer#start})
 * @param pollers who polls each task queue, reported when the service cannot describe task queues
 *     (the embedded one); {@link TaskQueuePollers#NONE} by default
 */
public record UiOptions(
    String temporalTarget,
    String namespace,
    String bindHost,
    int port,
    TaskQueuePollers pollers) {

  /** The loopback address the UI binds to unless told otherwise. */
  public static final String LOOPBACK = "127.0.0.1";

  /** The default UI port, the one the Temporal CLI's dev server uses. */
  public static final int DEFAULT_PORT = 8233;

  public UiOptions {
    Objects.requireNonNull(temporalTarget, "temporalTarget");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(pollers, "pollers");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Loopback on {@code port}, no pollers known. */
  public static UiOptions loopback(String temporalTarget, String namespace, int port) {
    return new UiOptions(temporalTarget, namespace, LOOPBACK, port, TaskQueuePollers.NONE);
  }

  /** A copy that reports these pollers when the service cannot describe its task queues. */
  public UiOptions withPollers(TaskQueuePollers source) {
    return new UiOptions(temporalTarget, namespace, bindHost, port, source);
  }

  /** A copy listening on another interface (unauthenticated: see the class documentation). */
  public UiOptions withBindHost(String host) {
    return new UiOptions(temporalTarget, namespace, host, port, pollers);
  }
}
