package dev.ballast.ui;

import io.grpc.Server;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server (real time) on a free loopback port, a client and one worker polling
 * {@link DemoWorkflow#TASK_QUEUE} with the demo workflow and activities: what the embedded service
 * looks like to the UI bridge.
 */
final class LoopbackTemporal implements AutoCloseable {

  static final String NAMESPACE = "default";
  static final String WORKER_IDENTITY = "ballast-ui-test-worker@localhost";

  final TestServicesStarter services;
  final Server grpc;
  final WorkflowServiceStubs stubs;
  final WorkflowClient client;
  final WorkerFactory factory;
  final DemoActivitiesImpl activities = new DemoActivitiesImpl();

  LoopbackTemporal() throws IOException {
    services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    grpc = builder.build().start();
    stubs =
        WorkflowServiceStubs.newConnectedServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build(), Duration.ofSeconds(5));
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).setIdentity(WORKER_IDENTITY).build());
    factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(
            DemoWorkflow.TASK_QUEUE,
            WorkerOptions.newBuilder()
                // The test server never expires sticky queues: keep workflow tasks on the normal queue.
                .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build());
    worker.registerWorkflowImplementationTypes(DemoWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    factory.start();
  }

  /** Waits (bounded, polling) until the workflow has a pending activity that has heartbeated. */
  void awaitPendingActivity(String workflowId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    DescribeWorkflowExecutionRequest request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(NAMESPACE)
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build();
    while (true) {
      DescribeWorkflowExecutionResponse described = stubs.blockingStub().describeWorkflowExecution(request);
      if (described.getPendingActivitiesList().stream().anyMatch(PendingActivityInfo::hasHeartbeatDetails)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(workflowId + " has no heartbeating activity after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  String target() {
    return "127.0.0.1:" + grpc.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    activities.releaseAll();
    factory.shutdownNow();
    factory.awaitTermination(5, TimeUnit.SECONDS);
    stubs.shutdownNow();
    grpc.shutdownNow();
    grpc.awaitTermination(5, TimeUnit.SECONDS);
    services.close();
  }
}
