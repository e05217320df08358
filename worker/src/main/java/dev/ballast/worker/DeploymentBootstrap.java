package dev.ballast.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first version of a worker deployment makes itself current.
 *
 * <p>A server routes no task to a version until an operator makes it current (or ramping): on a
 * new deployment, the first workers would poll forever while jobs wait. So a versioned worker
 * whose deployment has <em>no</em> current and no ramping version makes its own version current,
 * once the server lists it. When a current version exists nothing happens: choosing the next
 * build is the operator's ({@code ballast deploy set-current BUILD}). Workers starting together
 * race safely: the set carries the conflict token of the description it was decided on.
 */
final class DeploymentBootstrap {
  private static final Logger log = LoggerFactory.getLogger(DeploymentBootstrap.class);

  /** How long to wait for the server to list this worker's version. */
  static final Duration WAIT = Duration.ofSeconds(60);

  private DeploymentBootstrap() {}

  static void startInBackground(
      WorkflowServiceStubs stubs, String namespace, WorkerVersioning versioning, String identity) {
    Thread thread =
        new Thread(() -> run(stubs, namespace, versioning, identity), "ballast-deployment-bootstrap");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run(
      WorkflowServiceStubs stubs, String namespace, WorkerVersioning versioning, String identity) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (System.nanoTime() < deadline && !stubs.isShutdown()) {
        DescribeWorkerDeploymentResponse described;
        try {
          described =
              stubs
                  .blockingStub()
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .describeWorkerDeployment(
                      DescribeWorkerDeploymentRequest.newBuilder()
                          .setNamespace(namespace)
                          .setDeploymentName(versioning.deployment())
                          .build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
          Thread.sleep(500);
          continue;
        }
        WorkerDeploymentInfo info = described.getWorkerDeploymentInfo();
        RoutingConfig routing = info.getRoutingConfig();
        if (routing.hasCurrentDeploymentVersion() || routing.hasRampingDeploymentVersion()) {
          String current = routing.getCurrentDeploymentVersion().getBuildId();
          if (!current.equals(versioning.buildId())) {
            log.info(
                "Deployment {}: current build is {}; this build ({}) gets new jobs once made current"
                    + " (ballast deploy set-current {})",
                versioning.deployment(),
                current.isEmpty() ? "none (ramping only)" : current,
                versioning.buildId(),
                versioning.buildId());
          }
          return;
        }
        boolean listed =
            info.getVersionSummariesList().stream()
                .anyMatch(v -> v.getDeploymentVersion().getBuildId().equals(versioning.buildId()));
        if (!listed) {
          Thread.sleep(500);
          continue;
        }
        try {
          stubs
              .blockingStub()
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .setWorkerDeploymentCurrentVersion(
                  SetWorkerDeploymentCurrentVersionRequest.newBuilder()
                      .setNamespace(namespace)
                      .setDeploymentName(versioning.deployment())
                      .setBuildId(versioning.buildId())
                      .setConflictToken(described.getConflictToken())
                      .setIdentity(identity)
                      .build());
          log.info(
              "Deployment {} had no current version: made build {} current",
              versioning.deployment(),
              versioning.buildId());
          return;
        } catch (StatusRuntimeException e) {
          // Another worker won the race (conflict token) or the version is not ready: look again.
          log.debug("setting the first current version failed: {}", e.getStatus());
          Thread.sleep(500);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn(
          "Could not check whether deployment {} has a current version: {}",
          versioning.deployment(),
          e.toString());
    }
  }
}
