package dev.ballast.starter;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Log levels of the long-running modes: the CLI logs WARN, {@code worker} and {@code server} INFO. */
public final class Logging {
  private Logging() {}

  /** Raises Ballast's and Temporal's logging to INFO (gRPC and Netty stay quiet). */
  public static void verbose() {
    set(Logger.ROOT_LOGGER_NAME, Level.INFO);
    set("dev.ballast", Level.INFO);
    set("io.temporal", Level.INFO);
    set("io.grpc", Level.WARN);
    set("io.netty", Level.WARN);
  }

  private static void set(String name, Level level) {
    if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(level);
    }
  }
}
