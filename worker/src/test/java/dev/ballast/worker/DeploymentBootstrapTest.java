package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
import io.temporal.api.deployment.v1.WorkerDeploymentVersion;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's deployment calls against a busy server: whether the server has deployments at all
 * ({@link WorkerVersioning#serverSupportsDeployments}) and the first version making itself current
 * ({@link DeploymentBootstrap}) ask again while the server answers busy or not yet, and stop at
 * once on an answer retrying cannot change. A minimal frontend plays the server: it answers each
 * describe with the next scripted answer.
 */
@Timeout(60)
class DeploymentBootstrapTest {
  private static final WorkerVersioning VERSIONING =
      new WorkerVersioning("ballast", "A", WorkerVersioning.Mode.ON);

  /** Answers describes from a script (the last answer repeats) and records every set-current. */
  private static final class Frontend extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    final Deque<Object> describes = new ArrayDeque<>();
    final List<SetWorkerDeploymentCurrentVersionRequest> sets = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      response.onNext(GetSystemInfoResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public synchronized void describeWorkerDeployment(
        DescribeWorkerDeploymentRequest request, StreamObserver<DescribeWorkerDeploymentResponse> response) {
      Object next = describes.size() > 1 ? describes.poll() : describes.peek();
      if (next instanceof Status status) {
        response.onError(status.asRuntimeException());
      } else {
        response.onNext((DescribeWorkerDeploymentResponse) next);
        response.onCompleted();
      }
    }

    @Override
    public synchronized void setWorkerDeploymentCurrentVersion(
        SetWorkerDeploymentCurrentVersionRequest request,
        StreamObserver<SetWorkerDeploymentCurrentVersionResponse> response) {
      sets.add(request);
      response.onNext(SetWorkerDeploymentCurrentVersionResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private static DescribeWorkerDeploymentResponse listing(String... builds) {
    WorkerDeploymentInfo.Builder info = WorkerDeploymentInfo.newBuilder().setName("ballast");
    for (String build : builds) {
      info.addVersionSummaries(
          WorkerDeploymentInfo.WorkerDeploymentVersionSummary.newBuilder()
              .setDeploymentVersion(
                  WorkerDeploymentVersion.newBuilder().setDeploymentName("ballast").setBuildId(build)));
    }
    return DescribeWorkerDeploymentResponse.newBuilder()
        .setWorkerDeploymentInfo(info)
        .setConflictToken(com.google.protobuf.ByteString.copyFromUtf8("token-" + builds.length))
        .build();
  }

  private static DescribeWorkerDeploymentResponse withCurrent(String build) {
    DescribeWorkerDeploymentResponse listed = listing(build);
    return listed.toBuilder()
        .setWorkerDeploymentInfo(
            listed.getWorkerDeploymentInfo().toBuilder()
                .setRoutingConfig(
                    RoutingConfig.newBuilder()
                        .setCurrentDeploymentVersion(
                            WorkerDeploymentVersion.newBuilder().setDeploymentName("ballast").setBuildId(build))))
        .build();
  }

  private interface Check {
    void run(Frontend frontend, WorkflowServiceStubs stubs) throws Exception;
  }

  private static void withFrontend(Check check) throws Exception {
    Frontend frontend = new Frontend();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(frontend).build().start();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            ConnectionSettings.plain("127.0.0.1:" + server.getPort(), "default").toStubsOptions());
    try {
      check.run(frontend, stubs);
    } finally {
      stubs.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void workersStartingTogetherAreToldWhetherTheServerHasDeploymentsOnceItIsNoLongerBusy() throws Exception {
    withFrontend(
        (frontend, stubs) -> {
          // What a real server answered a worker started beside two others.
          Status busy =
              Status.RESOURCE_EXHAUSTED.withDescription("too many requests issued to Worker Deployment 'ballast'");
          frontend.describes.add(busy);
          frontend.describes.add(busy);
          frontend.describes.add(Status.NOT_FOUND);
          assertTrue(WorkerVersioning.serverSupportsDeployments(stubs, "default", "ballast", Duration.ofSeconds(20)));
          assertEquals(1, frontend.describes.size(), "asked until the third answer");

          frontend.describes.clear();
          frontend.describes.add(Status.UNIMPLEMENTED);
          assertFalse(WorkerVersioning.serverSupportsDeployments(stubs, "default", "ballast", Duration.ofSeconds(20)));

          frontend.describes.clear();
          frontend.describes.add(busy);
          StatusRuntimeException stillBusy =
              assertThrows(
                  StatusRuntimeException.class,
                  () -> WorkerVersioning.serverSupportsDeployments(stubs, "default", "ballast", Duration.ofMillis(500)));
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, stillBusy.getStatus().getCode());
        });
  }

  @Test
  void busyAndNotYetListedAnswersAreRetriedUntilTheVersionCanBeMadeCurrent() throws Exception {
    withFrontend(
        (frontend, stubs) -> {
          frontend.describes.add(Status.NOT_FOUND.withDescription("no such deployment"));
          frontend.describes.add(Status.UNAVAILABLE.withDescription("busy"));
          frontend.describes.add(Status.DEADLINE_EXCEEDED);
          frontend.describes.add(listing()); // the deployment exists, this version not listed yet
          frontend.describes.add(listing("A"));
          assertTrue(
              DeploymentBootstrap.run(stubs, "default", VERSIONING, "w1", Duration.ofSeconds(20), Duration.ofMillis(10)));
          assertEquals(1, frontend.sets.size());
          SetWorkerDeploymentCurrentVersionRequest set = frontend.sets.get(0);
          assertEquals("A", set.getBuildId());
          assertEquals("ballast", set.getDeploymentName());
          assertEquals("token-1", set.getConflictToken().toStringUtf8(), "the token of the description it decided on");
        });
  }

  @Test
  void aDeploymentWithACurrentVersionIsLeftAlone() throws Exception {
    withFrontend(
        (frontend, stubs) -> {
          frontend.describes.add(withCurrent("B"));
          assertTrue(
              DeploymentBootstrap.run(stubs, "default", VERSIONING, "w1", Duration.ofSeconds(20), Duration.ofMillis(10)));
          assertTrue(frontend.sets.isEmpty());
        });
  }

  @Test
  void anErrorRetryingCannotChangeEndsItAtOnce() throws Exception {
    withFrontend(
        (frontend, stubs) -> {
          frontend.describes.add(Status.PERMISSION_DENIED.withDescription("no access"));
          frontend.describes.add(listing("A"));
          assertFalse(
              DeploymentBootstrap.run(stubs, "default", VERSIONING, "w1", Duration.ofSeconds(20), Duration.ofMillis(10)));
          assertTrue(frontend.sets.isEmpty());
          assertEquals(1, frontend.describes.size(), "one describe, not retried");
        });
  }

  @Test
  void aVersionNeverListedGivesUpAtTheDeadline() throws Exception {
    withFrontend(
        (frontend, stubs) -> {
          frontend.describes.add(listing("other"));
          assertFalse(
              DeploymentBootstrap.run(stubs, "default", VERSIONING, "w1", Duration.ofMillis(300), Duration.ofMillis(10)));
          assertTrue(frontend.sets.isEmpty());
        });
  }
}
