package dev.ballast.worker;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived process until SIGTERM or Ctrl-C, then stops it gracefully and exits 0 (a JVM
 * ended by a signal would otherwise report 128 + the signal number).
 */
public final class GracefulShutdown {
  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  private GracefulShutdown() {}

  /** Blocks until the JVM is asked to shut down, runs {@code stop}, and ends the process with 0. */
  public static void awaitSignal(String name, Runnable stop) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutdown requested: stopping {}", name);
                  int status = 0;
                  try {
                    stop.run();
                    log.info("{} stopped", name);
                  } catch (RuntimeException e) {
                    log.error("{} did not stop cleanly: {}", name, e.toString());
                    status = 1;
                  }
                  // Other shutdown hooks are not needed; report the graceful stop as success.
                  Runtime.getRuntime().halt(status);
                },
                name + "-shutdown"));
    never.await();
  }
}
