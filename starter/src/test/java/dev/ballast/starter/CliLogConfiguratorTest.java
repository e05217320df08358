package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CliLogConfiguratorTest {
  @Test
  void logsWarningsToStderrAndHidesTemporalsChatter() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    CliLogConfigurator.apply(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.WARN, root.getLevel());
    Logger ours = context.getLogger("dev.ballast.starter.Jobs");
    assertFalse(ours.isInfoEnabled(), "INFO is hidden");
    assertTrue(ours.isWarnEnabled(), "WARN is shown");
    for (String quiet : new String[] {"io.temporal.internal.worker.Poller", "io.grpc.netty", "io.netty.channel"}) {
      assertFalse(context.getLogger(quiet).isWarnEnabled(), quiet);
      assertTrue(context.getLogger(quiet).isErrorEnabled(), quiet);
    }

    var appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
    assertEquals("System.err", appender.getTarget());
    assertTrue(appender.isStarted());
    var encoder = assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder());
    LoggingEvent event = new LoggingEvent("test", ours, Level.WARN, "chunk {} slow", null, new Object[] {7});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(
        line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  dev\\.ballast\\.starter\\.Jobs +- chunk 7 slow\\R"),
        line);
    context.stop();
  }

  @Test
  void stepsAsideForALogbackTestFileAndIsRegisteredAsAService() {
    // This module's tests have a logback-test.xml: logback must go on and read it.
    LoggerContext context = new LoggerContext();
    CliLogConfigurator configurator = new CliLogConfigurator();
    configurator.setContext(context);
    assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
    assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());

    assertTrue(
        ServiceLoader.load(Configurator.class).stream()
            .anyMatch(p -> p.type() == CliLogConfigurator.class),
        "listed in META-INF/services");
  }
}
