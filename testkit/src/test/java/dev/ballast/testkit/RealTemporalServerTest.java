package dev.ballast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fixture itself: a workflow started before a kill -9 of the server is there after restart. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RealTemporalServerTest {
  @TempDir Path dir;

  @Test
  void aKilledServerRestartsOnTheSameAddressWithItsWorkflows() {
    try (RealTemporalServer server = RealTemporalServer.start(RealTemporalServer.options().in(dir))) {
      String address = server.address();
      start(address, "survivor");
      long pid = server.pid();

      server.kill();
      assertFalse(server.isRunning());
      server.restart();

      assertTrue(server.isRunning());
      assertEquals(address, server.address());
      assertTrue(server.pid() != pid, "a new process");
      assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(address, "survivor"));
    }
  }

  private static void start(String address, String id) {
    WorkflowServiceStubs stubs = stubs(address);
    try {
      WorkflowStub stub = WorkflowClient.newInstance(stubs).newUntypedWorkflowStub("NoSuchWorkflow",
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("nobody-polls").build());
      stub.start();
    } finally {
      stubs.shutdownNow();
    }
  }

  private static WorkflowExecutionStatus status(String address, String id) {
    WorkflowServiceStubs stubs = stubs(address);
    try {
      return stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
          .getWorkflowExecutionInfo().getStatus();
    } finally {
      stubs.shutdownNow();
    }
  }

  private static WorkflowServiceStubs stubs(String address) {
    return WorkflowServiceStubs.newConnectedServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(), java.time.Duration.ofSeconds(10));
  }
}
