package dev.ballast.starter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging, set up in code rather than from an XML file: parsing one made every
 * {@code ballast} command load an XML parser first (about 40 ms of each start).
 *
 * <p>Logs go to stderr at WARN, so the progress output on stdout stays clean; Temporal's own chatter
 * (task failures it retries, worker heartbeats) is hidden. {@code ballast worker} and {@code ballast
 * server} raise the levels to INFO at run time ({@link Logging#verbose()}).
 *
 * <p>A {@code logback.configurationFile} system property or a {@code logback-test.xml} on the class
 * path still wins: this configurator then steps aside and logback reads that file as usual.
 * Registered in {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class CliLogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{30} %X{WorkflowId} %X{RunId} %X{ActivityType} %X{chunk}"
          + " - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || CliLogConfigurator.class.getResource("/logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sets the CLI's appender and levels on {@code context}. */
  static void apply(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    context.getLogger("io.temporal").setLevel(Level.ERROR);
    context.getLogger("io.grpc").setLevel(Level.ERROR);
    context.getLogger("io.netty").setLevel(Level.ERROR);
  }
}
