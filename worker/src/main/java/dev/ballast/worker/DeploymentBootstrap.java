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

  /**
   * How long to keep trying to make this worker's version current: the server lists a new version
   * only after the worker's first polls, and a busy server may answer slowly or refuse for a while.
   */
  static final Duration WAIT = Duration.ofMinutes(5);

  /** Pause between two looks at the deployment. */
  static final Duration PAUSE = Duration.ofMillis(500);

  private DeploymentBootstrap() {}

  static void startInBackground(
      WorkflowServiceStubs stubs, String namespace, WorkerVersioning versioning, String identity) {
    Thread thread =
        new Thread(
            () -> run(stubs, namespace, versioning, identity, WAIT, PAUSE), "ballast-deployment-bootstrap");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Looks at the deployment every {@code pause} until it has a current or ramping version (made
   * current here, or by someone else), for at most {@code wait}. Errors a server gives while it is
   * busy or still creating the deployment are retried; one that retrying cannot change (no
   * permission, no such API) ends it with a warning, as does running out of time.
   *
   * @return whether the deployment has a current or ramping version
   */
  static boolean run(
      WorkflowServiceStubs stubs, String namespace, WorkerVersioning versioning, String identity,
      Duration wait, Duration pause) {
    long deadline = System.nanoTime() + wait.toNanos();
    Status last = null;
    try {
      while (System.nanoTime() < deadline && !stubs.isShutdown()) {
        try {
          DescribeWorkerDeploymentResponse described =
              stubs
                  .blockingStub()
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .describeWorkerDeployment(
                      DescribeWorkerDeploymentRequest.newBuilder()
                          .setNamespace(namespace)
                          .setDeploymentName(versioning.deployment())
                          .build());
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
            return true;
          }
          boolean listed =
              info.getVersionSummariesList().stream()
                  .anyMatch(v -> v.getDeploymentVersion().getBuildId().equals(versioning.buildId()));
          if (listed) {
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
            return true;
          }
        } catch (StatusRuntimeException e) {
          last = e.getStatus();
          if (!retryable(last.getCode())) {
            log.warn(
                "Could not check whether deployment {} has a current version: {}",
                versioning.deployment(),
                e.toString());
            return false;
          }
          // Not created yet, busy, another worker won the race (conflict token), the version not
          // ready: look again.
          log.debug("deployment {} not ready for a current version yet: {}", versioning.deployment(), last);
        }
        Thread.sleep(pause.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (!stubs.isShutdown()) {
      log.warn(
          "Deployment {} still has no current version after {}{}; make one current with ballast deploy"
              + " set-current {}",
          versioning.deployment(),
          wait,
          last == null ? "" : " (last answer: " + last + ")",
          versioning.buildId());
    }
    return false;
  }

  private static boolean retryable(Status.Code code) {
    return switch (code) {
      case PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED, INVALID_ARGUMENT -> false;
      default -> true;
    };
  }
}
