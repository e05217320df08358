package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A namespace the cluster does not know, or may not be used, is a one-line error naming the setting
 * (the embedded service accepts any namespace, so a minimal frontend plays the cluster here).
 */
@Timeout(60)
class NamespaceCheckTest {
  /** Knows only {@code known}; refuses {@code forbidden}. */
  private static final class Frontend extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    @Override
    public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      // The SDK asks for the server's capabilities before its first call.
      response.onNext(GetSystemInfoResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void describeNamespace(
        DescribeNamespaceRequest request, StreamObserver<DescribeNamespaceResponse> response) {
      switch (request.getNamespace()) {
        case "known" -> {
          response.onNext(DescribeNamespaceResponse.getDefaultInstance());
          response.onCompleted();
        }
        case "forbidden" -> response.onError(Status.PERMISSION_DENIED.withDescription("no access").asRuntimeException());
        default -> response.onError(
            Status.NOT_FOUND.withDescription("Namespace " + request.getNamespace() + " is not found.").asRuntimeException());
      }
    }
  }

  @Test
  void unknownOrForbiddenNamespacesAreNamed() throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new Frontend()).build().start();
    String address = "127.0.0.1:" + server.getPort();
    ConnectionSettings known = ConnectionSettings.plain(address, "known");
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(known.toStubsOptions());
    try {
      ConnectionErrors.checkNamespace(stubs, known, Duration.ofSeconds(5));

      TemporalUnreachableException missing =
          assertThrows(
              TemporalUnreachableException.class,
              () -> ConnectionErrors.checkNamespace(stubs, known.withNamespace("typo"), Duration.ofSeconds(5)));
      assertTrue(missing.getMessage().contains("'typo'") && missing.getMessage().contains(ConnectionSettings.NAMESPACE),
          missing.getMessage());
      assertFalse(missing.getMessage().contains("\n"));

      TemporalUnreachableException forbidden =
          assertThrows(
              TemporalUnreachableException.class,
              () -> ConnectionErrors.checkNamespace(stubs, known.withNamespace("forbidden"), Duration.ofSeconds(5)));
      assertTrue(forbidden.getMessage().contains("not allowed"), forbidden.getMessage());
    } finally {
      stubs.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
