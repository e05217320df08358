package dev.ballast.worker;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code ballast-worker.jar}: reads {@link WorkerSettings} from the environment,
 * starts a {@link WorkerService} and runs until SIGTERM or Ctrl-C, which stop it gracefully.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerSettings settings;
    try {
      settings = WorkerSettings.fromEnv();
    } catch (IllegalArgumentException e) {
      log.error("Bad worker settings: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Injector injector = Guice.createInjector(new WorkerModule(settings));
    WorkerService service = injector.getInstance(WorkerService.class);
    try {
      service.start();
    } catch (TemporalUnreachableException e) {
      log.error("{}", e.getMessage());
      System.exit(4);
      return;
    }
    runUntilShutdown(service);
  }

  /** Blocks until the JVM shuts down (SIGTERM, Ctrl-C), then stops {@code service} gracefully. */
  static void runUntilShutdown(WorkerService service) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutdown requested");
                  try {
                    service.stop();
                  } finally {
                    stopped.countDown();
                  }
                },
                "ballast-worker-shutdown"));
    stopped.await();
  }
}
