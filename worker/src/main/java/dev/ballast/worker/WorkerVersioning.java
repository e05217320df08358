package dev.ballast.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.common.VersioningBehavior;
import io.temporal.common.WorkerDeploymentVersion;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerDeploymentOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which build a worker runs and whether it registers as a version of a Temporal Worker Deployment.
 *
 * <p>Every worker has a build id ({@code BALLAST_BUILD_ID}, default {@link #defaultBuildId()}: the
 * project version and the git commit it was built from) and a deployment name ({@code
 * BALLAST_DEPLOYMENT}, default {@value #DEFAULT_DEPLOYMENT}). With versioning on, the worker
 * polls as version {@code DEPLOYMENT:BUILD} and every workflow it runs is <em>pinned</em>: a job,
 * its stages and a pipeline finish on the build they started on, while new ones start on the
 * deployment's current version. With versioning off the worker polls unversioned, still telling
 * the server its build id (so {@code ballast workers} can group pollers by build).
 *
 * <p>{@code BALLAST_VERSIONING}: {@code auto} (default) versions when the server has worker
 * deployments and runs unversioned otherwise (the embedded service); {@code on} fails the start
 * when the server has none; {@code off} never versions.
 *
 * @param deployment the Worker Deployment's name
 * @param buildId this worker's build id
 * @param mode whether to version
 */
public record WorkerVersioning(String deployment, String buildId, Mode mode) {
  private static final Logger log = LoggerFactory.getLogger(WorkerVersioning.class);

  /** The deployment name when {@code BALLAST_DEPLOYMENT} is not set. */
  public static final String DEFAULT_DEPLOYMENT = "ballast";

  /** Every Ballast workflow is pinned to the version it started on. */
  public static final VersioningBehavior BEHAVIOR = VersioningBehavior.PINNED;

  /** {@code BALLAST_VERSIONING}. */
  public enum Mode {
    AUTO,
    ON,
    OFF
  }

  /** {@code BALLAST_VERSIONING=on}, but the Temporal service has no worker deployments. */
  public static final class UnsupportedException extends IllegalStateException {
    UnsupportedException(String message) {
      super(message);
    }
  }

  public WorkerVersioning {
    deployment = requireName("BALLAST_DEPLOYMENT", deployment);
    buildId = requireName("BALLAST_BUILD_ID", buildId);
    Objects.requireNonNull(mode, "mode");
  }

  /** The default: deployment {@value #DEFAULT_DEPLOYMENT}, the default build id, mode auto. */
  public static WorkerVersioning defaults() {
    return new WorkerVersioning(DEFAULT_DEPLOYMENT, defaultBuildId(), Mode.AUTO);
  }

  /**
   * From {@code BALLAST_DEPLOYMENT}, {@code BALLAST_BUILD_ID} and {@code BALLAST_VERSIONING}.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static WorkerVersioning fromEnv(Map<String, String> env) {
    Mode mode = Mode.AUTO;
    String modeValue = env.get("BALLAST_VERSIONING");
    if (modeValue != null && !modeValue.isBlank()) {
      try {
        mode = Mode.valueOf(modeValue.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "BALLAST_VERSIONING must be auto, on or off, not '" + modeValue + "'", e);
      }
    }
    return new WorkerVersioning(
        orDefault(env.get("BALLAST_DEPLOYMENT"), DEFAULT_DEPLOYMENT),
        orDefault(env.get("BALLAST_BUILD_ID"), defaultBuildId()),
        mode);
  }

  /** The version this worker polls as. */
  public WorkerDeploymentVersion version() {
    return new WorkerDeploymentVersion(deployment, buildId);
  }

  /**
   * The SDK's deployment options: versioned (pinned by default) or unversioned with the build id
   * still reported.
   */
  public WorkerDeploymentOptions options(boolean versioned) {
    WorkerDeploymentOptions.Builder builder =
        WorkerDeploymentOptions.newBuilder().setVersion(version()).setUseVersioning(versioned);
    if (versioned) {
      builder.setDefaultVersioningBehavior(BEHAVIOR);
    }
    return builder.build();
  }

  /**
   * The project version and the commit this code was built from ({@code 0.1.0-SNAPSHOT+1a2b3c4d5e6f}),
   * or the version alone when built outside a git checkout.
   */
  public static String defaultBuildId() {
    String version = resource("build.properties", true);
    String commit = resource("git-commit", false);
    String v = version == null || version.isBlank() || version.contains("${") ? "dev" : version;
    return commit == null || commit.isBlank() ? v : v + "+" + commit.trim();
  }

  /** How long {@link #serverSupportsDeployments} keeps asking a server that answers "busy". */
  static final Duration BUSY_WAIT = Duration.ofSeconds(60);

  /**
   * Whether the server has Worker Deployments: {@code DescribeWorkerDeployment} answers (or says
   * the deployment does not exist yet). The embedded service answers UNIMPLEMENTED; a server with
   * the feature turned off answers FAILED_PRECONDITION or PERMISSION_DENIED. A busy server (workers
   * starting together get RESOURCE_EXHAUSTED, "too many requests issued to Worker Deployment") is
   * asked again, after a growing, jittered pause, for up to {@link #BUSY_WAIT}.
   */
  public static boolean serverSupportsDeployments(WorkflowServiceStubs stubs, String namespace, String deployment) {
    return serverSupportsDeployments(stubs, namespace, deployment, BUSY_WAIT);
  }

  static boolean serverSupportsDeployments(
      WorkflowServiceStubs stubs, String namespace, String deployment, Duration busyWait) {
    long deadline = System.nanoTime() + busyWait.toNanos();
    long pauseMillis = 100;
    while (true) {
      try {
        stubs
            .blockingStub()
            .withDeadlineAfter(TemporalConnections.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .describeWorkerDeployment(
                DescribeWorkerDeploymentRequest.newBuilder()
                    .setNamespace(namespace)
                    .setDeploymentName(deployment)
                    .build());
        return true;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.NOT_FOUND) {
          return true;
        }
        if (code == Status.Code.UNIMPLEMENTED
            || code == Status.Code.FAILED_PRECONDITION
            || code == Status.Code.PERMISSION_DENIED) {
          return false;
        }
        boolean busy =
            code == Status.Code.RESOURCE_EXHAUSTED
                || code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.ABORTED;
        if (!busy || System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
          throw e;
        }
        log.debug("deployment {}: server busy ({}), asking again", deployment, e.getStatus());
      }
      try {
        Thread.sleep(pauseMillis + ThreadLocalRandom.current().nextLong(pauseMillis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while asking the server about worker deployments", e);
      }
      pauseMillis = Math.min(pauseMillis * 2, 2_000);
    }
  }

  private static String resource(String name, boolean properties) {
    try (InputStream in = WorkerVersioning.class.getResourceAsStream(name)) {
      if (in == null) {
        return null;
      }
      if (properties) {
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        return p.getProperty("version");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static String requireName(String variable, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(variable + " must not be empty");
    }
    String v = value.trim();
    // Deployment and build id are joined into one version string ("DEPLOYMENT.BUILD" in the SDK,
    // "DEPLOYMENT:BUILD" in older servers): the deployment name must not hold either separator.
    if (variable.equals("BALLAST_DEPLOYMENT") && (v.contains(":") || v.contains("."))) {
      throw new IllegalArgumentException(variable + " must not contain ':' or '.', got '" + value + "'");
    }
    if (v.length() > 255) {
      throw new IllegalArgumentException(variable + " is longer than 255 characters");
    }
    return v;
  }
}
