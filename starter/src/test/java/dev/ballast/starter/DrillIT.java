package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.activities.DrillActivitiesImpl;
import dev.ballast.api.model.DrillReport;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.worker.TemporalConnections;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast drill} on a real Temporal server against real worker JVMs ({@code ballast worker
 * --allow-drills}): no drill worker at all fails at once; a pool of one fails with a clear verdict,
 * exit code 6 and a DRILL_FAILED alert, its worker stopped with exit code 75; three drill workers
 * pass with a measured failover time; a scheduled drill reaches its verdict without the CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DrillIT {
  static final Pattern FAILOVER = Pattern.compile("(?m)^  failover   ([0-9.]+) s");
  static final Pattern STOPPED = Pattern.compile("(?m)^  stopped    (\\S+) \\(exit code 75\\)");
  static final Pattern RESUMED = Pattern.compile("(?m)^  resumed    (\\S+) \\(from step 5 of 20\\)");

  @TempDir static Path dir;
  private static RealTemporalServer server;
  private static DrillProcesses workers;
  private static HttpServer hook;
  private static final List<String> alerts = Collections.synchronizedList(new ArrayList<>());
  private static WorkflowServiceStubs stubs;
  private static WorkflowClient client;

  @BeforeAll
  static void start() throws Exception {
    server = RealTemporalServer.start(RealTemporalServer.options().in(dir.resolve("temporal")));
    workers = new DrillProcesses(server.address(), dir.resolve("logs"));
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", exchange -> {
      alerts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    hook.start();
    stubs = TemporalConnections.connect(server.address());
    client = TemporalConnections.client(stubs, "default");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (stubs != null) {
        stubs.shutdownNow();
      }
      if (hook != null) {
        hook.stop(0);
      }
      if (workers != null) {
        workers.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static Cli.Result cli(String... args) {
    return Cli.run(Map.of("TEMPORAL_ADDRESS", server.address()), dir, args);
  }

  private static String hookUrl() {
    return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
  }

  @Test
  @Order(0)
  void withoutAnyWorkerTheDrillFailsAtOnceSayingWhy() {
    Cli.Result r = cli("drill");
    assertEquals(ExitCodes.DRILL_FAILED, r.code(), r.out() + r.err());
    assertEquals("drill failed: no worker polls ballast-jobs, where the drill's workflow runs (start `ballast worker`)",
        r.err().trim());
  }

  @Test
  @Order(1)
  void withoutDrillWorkersTheDrillFailsAtOnceSayingWhy() throws Exception {
    // An ordinary worker (no --allow-drills): it runs the drill's workflow but never its chunk.
    workers.start("jobs-only", false, false);
    Instant t0 = Instant.now();
    Cli.Result r = cli("drill");
    assertEquals(ExitCodes.DRILL_FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no worker polls the drill task queue ballast-drills"), r.err());
    assertTrue(r.err().contains("--allow-drills"), r.err());
    assertTrue(Duration.between(t0, Instant.now()).toSeconds() < 10, "took " + Duration.between(t0, Instant.now()));
    assertTrue(workers.named("jobs-only").orElseThrow().process().isAlive());
  }

  @Test
  @Order(2)
  void aPoolOfOneFailsWithAClearVerdictAnExitCodeAndAnAlert() throws Exception {
    DrillProcesses.Worker solo = workers.start("solo", true, false);
    long t0 = System.nanoTime();
    Cli.Result r = cli("drill", "--max-failover", "5s", "--alert-webhook", hookUrl());
    System.out.printf("drill with one worker took %d ms:%n%s%s%n", (System.nanoTime() - t0) / 1_000_000, r.out(), r.err());
    assertEquals(ExitCodes.DRILL_FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("only one worker polled ballast-drills lately (solo)"), r.err());
    assertTrue(r.out().contains("FAILED: worker solo stopped mid-chunk and no other worker resumed the chunk"
        + " within 5.0 s"), r.out());
    assertTrue(r.out().contains("  failover   none (no other worker resumed the chunk) (objective 5.0 s)"), r.out());
    // The drilled worker stopped hard, with the documented exit code.
    assertEquals(DrillActivitiesImpl.EXIT_CODE, solo.awaitExit(Duration.ofSeconds(10)), solo.log());
    // The workflow alerted before it failed: the alert is there when the CLI returns.
    assertEquals(1, alerts.size(), alerts.toString());
    JsonNode alert = new ObjectMapper().readTree(alerts.get(0));
    assertEquals("DRILL_FAILED", alert.get("event").asText(), alerts.get(0));
    assertEquals("drill", alert.get("type").asText(), alerts.get(0));
    assertTrue(alert.get("jobId").asText().startsWith("drill-"), alerts.get(0));
    assertTrue(alert.get("text").asText().startsWith("Ballast failover drill drill-"), alerts.get(0));
    assertTrue(alert.get("message").asText().contains("no other worker resumed the chunk"), alerts.get(0));
  }

  @Test
  @Order(3)
  void threeDrillWorkersPassAndReportTheFailoverTime() throws Exception {
    List<String> names = List.of("drill-a", "drill-b", "drill-c");
    workers.startAll(names, true, true);
    int alertsBefore = alerts.size();
    long t0 = System.nanoTime();
    Cli.Result r = cli("drill", "--max-failover", "30s", "--alert-webhook", hookUrl());
    System.out.printf("drill with three workers took %d ms:%n%s%n", (System.nanoTime() - t0) / 1_000_000, r.out());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("PASSED: failover in "), r.out());
    Matcher failover = FAILOVER.matcher(r.out());
    Matcher stopped = STOPPED.matcher(r.out());
    Matcher resumed = RESUMED.matcher(r.out());
    assertTrue(failover.find() && stopped.find() && resumed.find(), r.out());
    double seconds = Double.parseDouble(failover.group(1));
    // The server gives the chunk away a heartbeat timeout (3 s) after the last heartbeat it received
    // (at most 1 s before the stop: the SDK's throttle), then waits the retry interval (1 s).
    assertTrue(seconds >= 2.5 && seconds <= 30, r.out());
    assertTrue(names.contains(stopped.group(1)), r.out());
    assertTrue(names.contains(resumed.group(1)), r.out());
    assertNotEquals(stopped.group(1), resumed.group(1), r.out());
    assertTrue(r.out().contains("  output     correct"), r.out());
    DrillProcesses.Worker victim = workers.named(stopped.group(1)).orElseThrow();
    assertEquals(DrillActivitiesImpl.EXIT_CODE, victim.awaitExit(Duration.ofSeconds(10)), victim.log());
    // The worker that resumed the chunk measured the failover and exposes it.
    String metrics = workers.named(resumed.group(1)).orElseThrow().metrics();
    assertTrue(metrics.lines().anyMatch(l -> l.matches("ballast_drill_failover_seconds_count 1(\\.0)?")), metrics);
    assertEquals(alertsBefore, alerts.size(), "a passed drill sends no alert: " + alerts);
  }

  @Test
  @Order(4)
  void aScheduledDrillReachesItsVerdictWithoutTheCli() throws Exception {
    Cli.Result create = cli("schedule", "create", "nightly-drill", "--cron", "0 3 * * *", "--drill",
        "--max-failover", "30s", "--alert-webhook", hookUrl());
    assertEquals(0, create.code(), create.out() + create.err());
    try {
      Cli.Result describe = cli("schedule", "describe", "nightly-drill");
      assertTrue(describe.out().contains("drill          failover objective 30s, timeout 5m, 1 alert webhook(s)"),
          describe.out());
      assertEquals(0, cli("schedule", "trigger", "nightly-drill").code());
      String runId = awaitRun("nightly-drill");
      DrillReport report = client.newUntypedWorkflowStub(runId).getResult(120, TimeUnit.SECONDS, DrillReport.class);
      assertTrue(report.passed(), report.toString());
      assertTrue(report.failoverMillis() >= 2500 && report.failoverMillis() <= 30_000, report.toString());
      Set<String> left = Set.of("drill-a", "drill-b", "drill-c");
      assertTrue(left.contains(report.stoppedWorker()) && left.contains(report.resumedWorker()), report.toString());
      assertEquals(DrillActivitiesImpl.EXIT_CODE,
          workers.named(report.stoppedWorker()).orElseThrow().awaitExit(Duration.ofSeconds(10)));
    } finally {
      cli("schedule", "delete", "nightly-drill");
    }
  }

  /** The workflow id of the schedule's first run, once it has one. */
  private static String awaitRun(String schedule) throws InterruptedException {
    Pattern recent = Pattern.compile("(?m)^  (?:recent\\s+\\S+|running)\\s+(\\S+)$");
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      Cli.Result d = cli("schedule", "describe", schedule);
      Matcher m = recent.matcher(d.out());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(200);
    }
    return fail("schedule " + schedule + " started no run within 60 s");
  }
}
