package dev.ballast.starter.commands;

import com.google.inject.Guice;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.Logging;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.activities.DrillActivitiesImpl;
import dev.ballast.api.TaskQueues;
import dev.ballast.worker.DrillWorker;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkerVersioning;
import java.util.HashMap;
import java.util.Map;
import dev.ballast.worker.GracefulShutdown;
import dev.ballast.worker.observe.HealthServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast worker}: run a worker until SIGTERM or Ctrl-C. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Ballast worker against a Temporal service until SIGTERM or Ctrl-C, which stop it"
          + " gracefully (running chunks get up to BALLAST_DRAIN_SECONDS, default 30 s, to finish).",
      "Settings come from the environment (TEMPORAL_ADDRESS, default 127.0.0.1:7233;"
          + " TEMPORAL_NAMESPACE; BALLAST_QUEUES; BALLAST_CHUNK_SLOTS; BALLAST_STICKY=auto|on|off;"
          + " BALLAST_DRAIN_SECONDS; BALLAST_METRICS_PORT; BALLAST_ALLOW_DRILLS); flags win.",
      "Versioning: on a server with worker deployments the worker registers as build"
          + " BALLAST_BUILD_ID (default: the version and commit it was built from) of deployment"
          + " BALLAST_DEPLOYMENT (default ballast) and pins the jobs it starts to that build;"
          + " BALLAST_VERSIONING=auto|on|off (default auto: unversioned where the service has no"
          + " deployments, like the embedded one). See ballast deploy --help.",
      "Exit codes: 0 stopped by a signal, 2 bad settings, 4 cannot reach Temporal, "
          + DrillActivitiesImpl.EXIT_CODE + " stopped by a failover drill (--allow-drills)."
    })
public class WorkerCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Option(
      names = "--queues",
      paramLabel = "Q[,Q]",
      description = "Task queues to poll: jobs, chunks or both (default both).")
  String queues;

  @Option(
      names = "--chunk-slots",
      paramLabel = "N",
      description = "Chunk activities run at once (default: available processors).")
  Integer chunkSlots;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description =
          "Serve /metrics (Prometheus), /healthz and /readyz on this port (default:"
              + " $BALLAST_METRICS_PORT; off when neither is set; 9464 by convention).")
  Integer metricsPort;

  @Option(
      names = "--allow-drills",
      description =
          "Also take failover-drill tasks (ballast drill) from their own task queue, "
              + TaskQueues.DRILLS + ": a drill's chunk stops this worker's process hard with exit code "
              + DrillActivitiesImpl.EXIT_CODE + " (restart it, as an orchestrator does). Default:"
              + " $BALLAST_ALLOW_DRILLS, else off; workers without it never poll that queue.")
  boolean allowDrills;

  @Override
  protected int execute() throws InterruptedException {
    Map<String, String> env = new HashMap<>(env());
    String address = temporal.address(env());
    if (address != null) {
      env.put("TEMPORAL_ADDRESS", address);
    }
    env.put("TEMPORAL_NAMESPACE", temporal.namespace(env()));
    if (queues != null) {
      env.put("BALLAST_QUEUES", queues);
    }
    if (chunkSlots != null) {
      env.put("BALLAST_CHUNK_SLOTS", String.valueOf(chunkSlots));
    }
    if (metricsPort != null) {
      env.put(HealthServer.ENV_PORT, String.valueOf(metricsPort));
    }
    WorkerSettings settings;
    Integer port;
    boolean drills;
    WorkerVersioning versioning;
    try {
      settings = WorkerSettings.fromEnv(env);
      drills = allowDrills || DrillWorker.allowedByEnv(env);
      versioning = WorkerVersioning.fromEnv(env);
      port = HealthServer.portFromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    Logging.verbose();
    WorkerService service = Guice.createInjector(new WorkerModule(settings, temporal.connection(env)))
        .getInstance(WorkerService.class)
        .withDrills(drills);
    service.setVersioning(versioning);
    HealthServer health = port == null ? null : HealthServer.forWorker(service, "0.0.0.0", port);
    try {
      service.start();
    } catch (WorkerVersioning.UnsupportedException e) {
      if (health != null) {
        health.close();
      }
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    } catch (RuntimeException e) {
      if (health != null) {
        health.close();
      }
      throw e;
    }
    if (health != null) {
      out().println("metrics on http://0.0.0.0:" + health.port() + HealthServer.METRICS);
    }
    out().println("worker " + settings.identity() + " polling " + settings.queues()
        + (drills ? " and " + TaskQueues.DRILLS : "") + " on " + settings.address()
        + "; Ctrl-C or SIGTERM stops it");
    out().flush();
    GracefulShutdown.awaitSignal(
        "worker",
        () -> {
          service.stop();
          if (health != null) {
            health.close();
          }
        });
    return 0;
  }
}
