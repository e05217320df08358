package dev.ballast.worker;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.ballast.engine.files.DataRoots;
import dev.ballast.worker.observe.HealthServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code ballast-worker.jar}: reads {@link WorkerSettings} from the environment,
 * starts a {@link WorkerService} and runs until SIGTERM or Ctrl-C, which stop it gracefully
 * (exit 0). Exits 2 on bad settings (also {@code BALLAST_VERSIONING=on} against a service without
 * worker deployments), 4 when Temporal cannot be reached, 75 when a failover drill stopped it
 * ({@code BALLAST_ALLOW_DRILLS=true}, see {@link DrillWorker}). With {@code
 * BALLAST_METRICS_PORT} set it serves {@code /metrics}, {@code /healthz} and {@code /readyz} there
 * (see {@link HealthServer}).
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerSettings settings;
    ConnectionSettings connection;
    boolean allowDrills;
    WorkerVersioning versioning;
    try {
      settings = WorkerSettings.fromEnv();
      allowDrills = DrillWorker.allowedByEnv(System.getenv());
      connection = ConnectionSettings.fromEnv();
      versioning = WorkerVersioning.fromEnv(System.getenv());
      DataRoots.fromEnv();
    } catch (IllegalArgumentException e) {
      log.error("Bad worker settings: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Injector injector = Guice.createInjector(new WorkerModule(settings, connection));
    WorkerService service = injector.getInstance(WorkerService.class).withDrills(allowDrills);
    service.setVersioning(versioning);
    HealthServer health;
    try {
      Integer metricsPort = HealthServer.portFromEnv(System.getenv());
      health = metricsPort == null ? null : HealthServer.forWorker(service, "0.0.0.0", metricsPort);
    } catch (RuntimeException e) {
      log.error("Bad metrics settings: {}", e.getMessage());
      System.exit(2);
      return;
    }
    try {
      service.start();
    } catch (TemporalUnreachableException e) {
      log.error("{}", e.getMessage());
      System.exit(4);
      return;
    } catch (WorkerVersioning.UnsupportedException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // Exit rather than leave a process that stays up but never polls (its other threads would
      // keep the JVM alive): a supervisor then restarts it, and the log says why.
      log.error("Worker could not start: {}", e.toString(), e);
      System.exit(1);
      return;
    }
    GracefulShutdown.awaitSignal(
        "worker",
        () -> {
          service.stop();
          if (health != null) {
            health.close();
          }
        });
  }
}
