package dev.ballast.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.ballast.api.Causes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;

/** Connecting to Temporal, shared by the worker and the CLI. */
public final class TemporalConnections {
  /** How long a connection attempt may take before the address is reported unreachable. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private TemporalConnections() {}

  /**
   * Connects to the frontend at {@code address}, waiting at most {@link #CONNECT_TIMEOUT}.
   *
   * @throws TemporalUnreachableException naming the address when it does not answer
   */
  public static WorkflowServiceStubs connect(String address) {
    return connect(address, null);
  }

  /**
   * Connects like {@link #connect(String)}, reporting the SDK's client and worker metrics to
   * {@code metricsScope} when not null (see {@link #metricsScope}).
   */
  public static WorkflowServiceStubs connect(String address, Scope metricsScope) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    try {
      return WorkflowServiceStubs.newConnectedServiceStubs(options.build(), CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new TemporalUnreachableException(address, Causes.root(e));
    }
  }

  /**
   * Connects as {@code connection} says (TLS, API key), waiting at most {@link #CONNECT_TIMEOUT},
   * then checks that its namespace exists.
   *
   * @throws IllegalArgumentException naming the setting when a certificate or key is unusable
   * @throws TemporalUnreachableException with one line naming the setting at fault when the
   *     address does not answer, the TLS handshake fails, the credentials are refused or the
   *     namespace does not exist
   */
  public static WorkflowServiceStubs connect(ConnectionSettings connection) {
    return connect(connection, null);
  }

  /**
   * Like {@link #connect(ConnectionSettings)}, reporting the SDK's client metrics to {@code
   * metricsScope} when it is not null.
   */
  public static WorkflowServiceStubs connect(ConnectionSettings connection, com.uber.m3.tally.Scope metricsScope) {
    return connect(connection, metricsScope, null);
  }

  /**
   * Like {@link #connect(ConnectionSettings, com.uber.m3.tally.Scope)}, but through {@code
   * inProcess} when it is not null: a channel to a service in this JVM (the embedded service),
   * which then replaces the address and its TLS settings.
   */
  public static WorkflowServiceStubs connect(
      ConnectionSettings connection, com.uber.m3.tally.Scope metricsScope, io.grpc.ManagedChannel inProcess) {
    WorkflowServiceStubsOptions.Builder builder =
        inProcess == null
            ? connection.toStubsOptionsBuilder()
            : WorkflowServiceStubsOptions.newBuilder().setChannel(inProcess);
    if (metricsScope != null) {
      builder.setMetricsScope(metricsScope);
    }
    WorkflowServiceStubsOptions options = builder.build();
    WorkflowServiceStubs stubs;
    try {
      stubs = WorkflowServiceStubs.newConnectedServiceStubs(options, CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new TemporalUnreachableException(connection.address(), ConnectionErrors.explain(connection, e), e);
    }
    try {
      ConnectionErrors.checkNamespace(stubs, connection, CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw e;
    }
    return stubs;
  }

  /** A client over {@code stubs} with the namespace and payload encryption of {@code connection}. */
  public static WorkflowClient client(WorkflowServiceStubs stubs, ConnectionSettings connection) {
    return WorkflowClient.newInstance(stubs, connection.toClientOptions());
  }

  /** A client of {@code namespace} over {@code stubs}. */
  public static WorkflowClient client(WorkflowServiceStubs stubs, String namespace) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  /**
   * Whether {@code stubs} talk to the embedded (test) service rather than a real cluster: the test
   * service answers {@code GetClusterInfo} with UNIMPLEMENTED, a real cluster implements it.
   */
  public static boolean isEmbeddedService(WorkflowServiceStubs stubs) {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(CONNECT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
          .getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNIMPLEMENTED;
    }
  }

  /**
   * A Tally scope reporting the Temporal SDK's metrics to a Micrometer registry every second; null
   * for a registry that goes nowhere (an empty composite).
   */
  public static Scope metricsScope(MeterRegistry registry) {
    if (registry instanceof CompositeMeterRegistry composite && composite.getRegistries().isEmpty()) {
      return null;
    }
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(1));
  }
}
