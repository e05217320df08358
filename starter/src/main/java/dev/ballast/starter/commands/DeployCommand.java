package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkerVersioning;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo.WorkerDeploymentVersionSummary;
import io.temporal.api.enums.v1.VersionDrainageStatus;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentRampingVersionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast deploy status | set-current BUILD | ramp BUILD PERCENT}. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Versioned worker pools (Temporal Worker Deployments). Workers register as build"
          + " BALLAST_BUILD_ID of deployment BALLAST_DEPLOYMENT (default ballast); jobs, their stages"
          + " and pipelines are pinned: they finish on the build they started on, new ones start on"
          + " the current build.",
      "Rolling upgrade: start the new build's workers, `ballast deploy set-current NEW`, wait until"
          + " `ballast deploy status` shows no running workflows on the old build, stop its workers.",
      "The embedded service has no worker deployments: there every command exits 7."
    },
    subcommands = {
      DeployCommand.ShowStatus.class,
      DeployCommand.SetCurrent.class,
      DeployCommand.Ramp.class
    })
public class DeployCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every deploy subcommand takes. */
  public static class DeploymentOptions {
    @Mixin TemporalOptions temporal;

    @Option(
        names = "--deployment",
        paramLabel = "NAME",
        description = "Worker deployment name (default: $BALLAST_DEPLOYMENT, else ballast).")
    String deployment;

    String deployment(Map<String, String> env) {
      if (deployment != null && !deployment.isBlank()) {
        return deployment.trim();
      }
      String fromEnv = env.get("BALLAST_DEPLOYMENT");
      return fromEnv == null || fromEnv.isBlank() ? WorkerVersioning.DEFAULT_DEPLOYMENT : fromEnv.trim();
    }
  }

  /** The base of the subcommands: connect, check that the service has deployments, describe. */
  abstract static class DeploySubcommand extends BaseCommand {
    @Mixin DeploymentOptions options;

    /** Identity recorded by the server as the last modifier of the deployment. */
    static String identity() {
      return "ballast-cli " + WorkerSettings.defaultIdentity().replace("ballast-worker-", "");
    }

    String namespace() {
      return options.temporal.namespace(env());
    }

    /**
     * The deployment's description.
     *
     * @throws CliException with {@link ExitCodes#NOT_SUPPORTED} on a service without deployments,
     *     {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when no worker of the deployment ever polled
     */
    DescribeWorkerDeploymentResponse describe(WorkflowServiceStubs stubs, String deployment) {
      try {
        return stubs
            .blockingStub()
            .describeWorkerDeployment(
                DescribeWorkerDeploymentRequest.newBuilder()
                    .setNamespace(namespace())
                    .setDeploymentName(deployment)
                    .build());
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNIMPLEMENTED
            || code == Status.Code.FAILED_PRECONDITION
            || code == Status.Code.PERMISSION_DENIED) {
          throw notSupported();
        }
        if (code == Status.Code.NOT_FOUND) {
          throw new CliException(
              ExitCodes.CONFLICT_OR_NOT_FOUND,
              "no worker deployment '" + deployment + "' in namespace " + namespace()
                  + ": no versioned worker of it has polled yet");
        }
        throw e;
      }
    }

    static CliException notSupported() {
      return new CliException(
          ExitCodes.NOT_SUPPORTED,
          "this Temporal service has no worker deployments (the embedded service has none):"
              + " workers there run unversioned");
    }

    /** The summary of {@code buildId}, or exit 5 naming the known builds. */
    static WorkerDeploymentVersionSummary version(WorkerDeploymentInfo info, String buildId) {
      List<String> known = new ArrayList<>();
      for (WorkerDeploymentVersionSummary v : info.getVersionSummariesList()) {
        if (v.getDeploymentVersion().getBuildId().equals(buildId)) {
          return v;
        }
        known.add(v.getDeploymentVersion().getBuildId());
      }
      throw new CliException(
          ExitCodes.CONFLICT_OR_NOT_FOUND,
          "build " + buildId + " is not a version of deployment " + info.getName()
              + " (its workers must poll first); known builds: "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
    }

    static String current(RoutingConfig routing) {
      return routing.hasCurrentDeploymentVersion() ? routing.getCurrentDeploymentVersion().getBuildId() : null;
    }

    static String ramping(RoutingConfig routing) {
      return routing.hasRampingDeploymentVersion() ? routing.getRampingDeploymentVersion().getBuildId() : null;
    }
  }

  /** {@code ballast deploy status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Shows the deployment's builds: which is current, which is ramping, and how many workflows"
            + " (jobs, stages, pipelines) still run on each - the drain view: a build that is"
            + " neither current nor ramping and runs nothing can have its workers stopped."
      })
  public static class ShowStatus extends DeploySubcommand {
    @Override
    protected int execute() {
      try (JobConnection connection = JobConnection.open(options.temporal, env(), "deploy status")) {
        String deployment = options.deployment(env());
        WorkerDeploymentInfo info = describe(connection.stubs(), deployment).getWorkerDeploymentInfo();
        RoutingConfig routing = info.getRoutingConfig();
        String current = current(routing);
        String ramping = ramping(routing);
        out().println(
            "deployment " + info.getName() + ": current build " + (current == null ? "none (unversioned)" : current)
                + (ramping == null
                    ? ""
                    : ", ramping build " + ramping + " at " + percent(routing.getRampingVersionPercentage())));
        out().printf("%-32s %-9s %8s  %-10s %s%n", "BUILD", "ROLE", "RUNNING", "DRAINAGE", "CREATED");
        List<String> drained = new ArrayList<>();
        List<String> draining = new ArrayList<>();
        for (WorkerDeploymentVersionSummary v : info.getVersionSummariesList()) {
          String build = v.getDeploymentVersion().getBuildId();
          String role = build.equals(current) ? "current" : build.equals(ramping) ? "ramping" : "inactive";
          long running = running(connection.stubs(), deployment, build);
          out().printf(
              "%-32s %-9s %8s  %-10s %s%n",
              build,
              role,
              running < 0 ? "?" : String.valueOf(running),
              drainage(v.getDrainageStatus()),
              v.hasCreateTime() ? Instant.ofEpochSecond(v.getCreateTime().getSeconds()) : "-");
          if (role.equals("inactive")) {
            if (running == 0) {
              drained.add(build);
            } else if (running > 0) {
              draining.add(build + " (" + running + " running)");
            }
          }
        }
        if (!draining.isEmpty()) {
          out().println("draining: " + String.join(", ", draining) + " - keep their workers until this reaches 0");
        }
        if (!drained.isEmpty()) {
          out().println("drained: " + String.join(", ", drained) + " - no running workflow: their workers can be stopped");
        }
        out().flush();
        return ExitCodes.OK;
      }
    }

    /**
     * Running workflows pinned to {@code build}, by the server's {@code
     * TemporalWorkerDeploymentVersion} search attribute; -1 when visibility cannot count them.
     */
    long running(WorkflowServiceStubs stubs, String deployment, String build) {
      String query =
          "TemporalWorkerDeploymentVersion = '" + escape(deployment + ":" + build)
              + "' AND ExecutionStatus = 'Running'";
      try {
        return stubs
            .blockingStub()
            .countWorkflowExecutions(
                CountWorkflowExecutionsRequest.newBuilder().setNamespace(namespace()).setQuery(query).build())
            .getCount();
      } catch (StatusRuntimeException e) {
        return -1;
      }
    }

    private static String escape(String value) {
      return value.replace("\\", "\\\\").replace("'", "\\'");
    }

    private static String drainage(VersionDrainageStatus status) {
      return switch (status) {
        case VERSION_DRAINAGE_STATUS_DRAINING -> "draining";
        case VERSION_DRAINAGE_STATUS_DRAINED -> "drained";
        default -> "-";
      };
    }
  }

  /** {@code ballast deploy set-current BUILD}. */
  @Command(
      name = "set-current",
      mixinStandardHelpOptions = true,
      description = {
        "Makes BUILD the current version: new jobs and pipelines start on it; running ones stay on"
            + " the build they started on. BUILD's workers must have polled (see ballast workers)."
      })
  public static class SetCurrent extends DeploySubcommand {
    @Parameters(index = "0", paramLabel = "BUILD", description = "The build id (BALLAST_BUILD_ID of its workers).")
    String build;

    @Override
    protected int execute() {
      try (JobConnection connection = JobConnection.open(options.temporal, env(), "deploy set-current")) {
        String deployment = options.deployment(env());
        DescribeWorkerDeploymentResponse described = describe(connection.stubs(), deployment);
        version(described.getWorkerDeploymentInfo(), build);
        String previous = current(described.getWorkerDeploymentInfo().getRoutingConfig());
        if (build.equals(previous)) {
          out().println("build " + build + " is already current in deployment " + deployment);
          out().flush();
          return ExitCodes.OK;
        }
        connection
            .stubs()
            .blockingStub()
            .setWorkerDeploymentCurrentVersion(
                SetWorkerDeploymentCurrentVersionRequest.newBuilder()
                    .setNamespace(namespace())
                    .setDeploymentName(deployment)
                    .setBuildId(build)
                    .setConflictToken(described.getConflictToken())
                    .setIdentity(identity())
                    .build());
        out().println(
            "build " + build + " is now current in deployment " + deployment
                + (previous == null ? "" : " (was " + previous + ")")
                + ": new jobs start on it; running jobs finish on their build (ballast deploy status"
                + " shows what still runs)");
        out().flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code ballast deploy ramp BUILD PERCENT}. */
  @Command(
      name = "ramp",
      mixinStandardHelpOptions = true,
      description = {
        "Sends PERCENT of new jobs and pipelines to BUILD, the rest to the current build (a canary)."
            + " `ramp BUILD 0` keeps BUILD ramping at 0%; `set-current BUILD` ends the ramp."
      })
  public static class Ramp extends DeploySubcommand {
    @Parameters(index = "0", paramLabel = "BUILD", description = "The build id to ramp.")
    String build;

    @Parameters(index = "1", paramLabel = "PERCENT", description = "Share of new jobs, 0 to 100.")
    float percent;

    @Override
    protected int execute() {
      if (!(percent >= 0 && percent <= 100)) {
        throw new CliException(ExitCodes.USAGE, "PERCENT must be between 0 and 100, got " + percent);
      }
      try (JobConnection connection = JobConnection.open(options.temporal, env(), "deploy ramp")) {
        String deployment = options.deployment(env());
        DescribeWorkerDeploymentResponse described = describe(connection.stubs(), deployment);
        version(described.getWorkerDeploymentInfo(), build);
        if (build.equals(current(described.getWorkerDeploymentInfo().getRoutingConfig()))) {
          throw new CliException(ExitCodes.USAGE, "build " + build + " is the current build: there is nothing to ramp");
        }
        connection
            .stubs()
            .blockingStub()
            .setWorkerDeploymentRampingVersion(
                SetWorkerDeploymentRampingVersionRequest.newBuilder()
                    .setNamespace(namespace())
                    .setDeploymentName(deployment)
                    .setBuildId(build)
                    .setPercentage(percent)
                    .setConflictToken(described.getConflictToken())
                    .setIdentity(identity())
                    .build());
        out().println(
            "build " + build + " ramping at " + percent(percent) + " in deployment " + deployment
                + ": that share of new jobs starts on it");
        out().flush();
        return ExitCodes.OK;
      }
    }
  }

  static String percent(float p) {
    return (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)) + "%";
  }
}
