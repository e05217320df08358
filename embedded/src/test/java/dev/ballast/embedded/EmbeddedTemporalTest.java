package dev.ballast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EmbeddedTemporalTest {

  @Test
  void servesTemporalOnAFreeLoopbackPortUntilClosed() throws Exception {
    int port;
    try (EmbeddedTemporal embedded = EmbeddedTemporal.start(0)) {
      port = embedded.port();
      assertTrue(port > 0);
      assertEquals("127.0.0.1:" + port, embedded.address());

      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newConnectedServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(embedded.address()).build(),
              Duration.ofSeconds(5));
      try {
        // A real call that the test server implements answers.
        stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      } finally {
        stubs.shutdownNow();
      }
    }
    assertTrue(!accepts(InetAddress.getLoopbackAddress(), port), "port still open after close");
  }

  @Test
  void theInProcessChannelReachesTheSameServiceAndClosesWithIt() {
    EmbeddedTemporal embedded = EmbeddedTemporal.start(0);
    io.grpc.ManagedChannel channel = embedded.inProcessChannel();
    WorkflowServiceStubs overTcp =
        WorkflowServiceStubs.newConnectedServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(embedded.address()).build(),
            Duration.ofSeconds(5));
    WorkflowServiceStubs inProcess =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setChannel(channel).build());
    try {
      String id = "in-process-" + System.nanoTime();
      // Started through the socket, seen through the in-process channel: one service.
      overTcp.blockingStub().startWorkflowExecution(
          io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest.newBuilder()
              .setNamespace("default")
              .setWorkflowId(id)
              .setRequestId(id)
              .setWorkflowType(io.temporal.api.common.v1.WorkflowType.newBuilder().setName("Probe"))
              .setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName("probe"))
              .build());
      assertEquals(
          id,
          inProcess.blockingStub()
              .describeWorkflowExecution(
                  io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(id))
                      .build())
              .getWorkflowExecutionInfo()
              .getExecution()
              .getWorkflowId());
    } finally {
      overTcp.shutdownNow();
      inProcess.shutdownNow();
      embedded.close();
    }
    assertTrue(channel.isShutdown(), "the in-process channel closes with the service");
  }

  /**
   * Bound to 127.0.0.1, not to every interface: a wildcard bind also answers on 127.0.0.2 (any
   * address of 127.0.0.0/8 reaches the loopback interface), so the check needs no second network
   * interface; where the machine has one, it is tried too.
   */
  @Test
  void bindsLoopbackOnly() throws Exception {
    InetAddress otherLoopback = InetAddress.getByName("127.0.0.2");
    try (java.net.ServerSocket wildcard = new java.net.ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      assertTrue(accepts(otherLoopback, wildcard.getLocalPort()),
          "control: a socket bound to every interface answers on 127.0.0.2");
    }
    Optional<InetAddress> external = nonLoopbackAddress();
    try (EmbeddedTemporal embedded = EmbeddedTemporal.start(0)) {
      assertTrue(accepts(InetAddress.getLoopbackAddress(), embedded.port()));
      assertTrue(!accepts(otherLoopback, embedded.port()), "embedded service bound beyond 127.0.0.1");
      if (external.isPresent()) {
        assertTrue(!accepts(external.get(), embedded.port()),
            "embedded service reachable on " + external.get());
      }
    }
  }

  @Test
  void explicitBindHostIsHonoured() throws Exception {
    try (EmbeddedTemporal embedded = EmbeddedTemporal.start("0.0.0.0", 0)) {
      assertEquals("127.0.0.1:" + embedded.port(), embedded.address());
      assertTrue(accepts(InetAddress.getLoopbackAddress(), embedded.port()));
    }
  }

  @Test
  void unknownBindHostIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> EmbeddedTemporal.start("no-such-host.invalid", 0));
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
