package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.activities.DrillActivitiesImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast drill} on the embedded service: a {@code ballast server} process and two {@code
 * ballast worker --allow-drills} processes. The embedded service has no DescribeTaskQueue, so the
 * CLI cannot list the drill workers first; the drill itself still works, and measures the failover.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DrillOnEmbeddedServiceIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  @TempDir Path dir;

  @Test
  void aDrillWithTwoWorkersAgainstBallastServerPasses() throws Exception {
    Path serverLog = dir.resolve("server.log");
    Process server = startServer(serverLog);
    try (DrillProcesses workers = new DrillProcesses(awaitAddress(server, serverLog), dir.resolve("logs"))) {
      String address = awaitAddress(server, serverLog);
      workers.startAll(List.of("embedded-a", "embedded-b"), true, false);
      long t0 = System.nanoTime();
      Cli.Result r = Cli.run(Map.of("TEMPORAL_ADDRESS", address), dir, "drill", "--max-failover", "30s");
      System.out.printf("drill on the embedded service took %d ms:%n%s%n", (System.nanoTime() - t0) / 1_000_000, r.out());
      assertEquals(0, r.code(), r.out() + r.err());
      assertTrue(r.out().contains("PASSED: failover in "), r.out());
      Matcher stopped = DrillIT.STOPPED.matcher(r.out());
      Matcher resumed = DrillIT.RESUMED.matcher(r.out());
      Matcher failover = DrillIT.FAILOVER.matcher(r.out());
      assertTrue(stopped.find() && resumed.find() && failover.find(), r.out());
      List<String> names = List.of("embedded-a", "embedded-b");
      assertTrue(names.contains(stopped.group(1)) && names.contains(resumed.group(1)), r.out());
      assertNotEquals(stopped.group(1), resumed.group(1), r.out());
      double seconds = Double.parseDouble(failover.group(1));
      assertTrue(seconds >= 2.5 && seconds <= 30, r.out());
      DrillProcesses.Worker victim = workers.named(stopped.group(1)).orElseThrow();
      assertEquals(DrillActivitiesImpl.EXIT_CODE, victim.awaitExit(Duration.ofSeconds(10)), victim.log());
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** {@code ballast server --port 0} in a JVM of its own. */
  private static Process startServer(Path log) throws IOException {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", cp, StarterMain.class.getName(), "server", "--port", "0");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  /** The address the server prints once it listens. */
  private static String awaitAddress(Process server, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return m.group(1);
        }
      }
      if (!server.isAlive()) {
        throw new IllegalStateException("ballast server exited: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("ballast server did not listen within 60 s: " + Files.readString(log));
  }
}
