package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.workflows.JobWorkflowImpl;
import dev.ballast.workflows.PipelineWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.WorkflowReplayer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ballast schedule} on a real Temporal server (Schedules need one): a daily schedule
 * triggered and backfilled over three dates, each date's outputs rendered from its own nominal date
 * and published separately, a second backfill that leaves completed dates out, and the overlap
 * policy skipping a run while the previous one runs. And on the embedded service: exit 2 with one
 * line saying what is needed.
 */
@Timeout(300)
class ScheduleCommandsTest {
  private static final Map<String, BigDecimal> DEFAULT_RATES =
      Map.of(
          "USD", new BigDecimal("1"),
          "EUR", new BigDecimal("1.08"),
          "GBP", new BigDecimal("1.27"),
          "JPY", new BigDecimal("0.0067"));
  private static final Pattern RECENT = Pattern.compile("(?m)^  recent\\s+\\S+\\s+(\\S+)$");
  private static final Pattern RUNNING = Pattern.compile("(?m)^  running\\s+(\\S+)$");

  private static CliService service;
  private static WorkflowServiceStubs stubs;
  private static WorkflowClient client;

  @BeforeAll
  static void start() {
    service = CliService.start(TestTemporal.Kind.REAL, 0);
    stubs =
        WorkflowServiceStubs.newConnectedServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(service.temporal.address()).build(),
            Duration.ofSeconds(10));
    client = WorkflowClient.newInstance(stubs);
  }

  @AfterAll
  static void stop() {
    try {
      if (stubs != null) {
        stubs.shutdownNow();
        stubs.awaitTermination(2, TimeUnit.SECONDS);
      }
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  private static WorkerService worker() {
    WorkerService worker =
        Guice.createInjector(
                new WorkerModule(WorkerSettings.defaults(service.temporal.address()).withChunkSlots(2)))
            .getInstance(WorkerService.class);
    worker.start();
    return worker;
  }

  @Test
  void dailyScheduleTriggeredAndBackfilledOverThreeDatesKeepsEachDateApart() throws Exception {
    Path dir = service.dir;
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    // Input of nominal date D is yesterday's file, in/(D-1).csv; each file differs.
    for (int back = 1; back <= 5; back++) {
      Path input = dir.resolve("in/" + today.minusDays(back) + ".csv");
      Files.createDirectories(input.getParent());
      SampleGenerator.write(input, 400 + back * 37L, back);
    }
    Cli.Result create =
        service.run(
            "schedule", "create", "daily", "--cron", "0 2 * * *", "--timezone", "UTC",
            "--type", "settlement", "--input", "in/{date-1}.csv", "--output", "out/{date}");
    assertEquals(0, create.code(), create.out() + create.err());
    WorkerService worker = worker();
    try {
      Cli.Result trigger = service.run("schedule", "trigger", "daily");
      assertEquals(0, trigger.code(), trigger.out() + trigger.err());
      List<String> runs = waitForRecent("daily", 1);

      LocalDate first = today.minusDays(4);
      LocalDate last = today.minusDays(2);
      Cli.Result backfill =
          service.run("schedule", "backfill", "daily", "--from", first.toString(), "--to", last.toString());
      assertEquals(0, backfill.code(), backfill.out() + backfill.err());
      runs = waitForRecent("daily", 4);

      List<String> expectedIds = new ArrayList<>();
      for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
        expectedIds.add("daily-" + d + "T02:00:00Z");
      }
      assertTrue(runs.containsAll(expectedIds), runs + " should hold " + expectedIds);
      for (String id : runs) {
        JobResult result = client.newUntypedWorkflowStub(id).getResult(120, TimeUnit.SECONDS, JobResult.class);
        // The nominal date is in the job id: the schedule's id, then the nominal time.
        LocalDate nominal = LocalDate.parse(id.substring("daily-".length(), "daily-".length() + 10));
        Path out = dir.resolve("out/" + nominal).toAbsolutePath().normalize();
        assertEquals(out.toString(), Path.of(result.outputDir()).toAbsolutePath().normalize().toString(), id);
        ReferenceSettlement.Result expected =
            ReferenceSettlement.compute(List.of(dir.resolve("in/" + nominal.minusDays(1) + ".csv")), DEFAULT_RATES);
        assertEquals(expected.settlementCsv(), Files.readString(out.resolve("settlement.csv")), id);
        assertEquals(expected.rows(), result.counts().rows(), id);
        // The run's history replays: the rendering of its dates is deterministic.
        WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(id), JobWorkflowImpl.class);
      }
      Cli.Result status = service.run("status", expectedIds.get(0));
      assertEquals(0, status.code(), status.out() + status.err());
      assertTrue(status.out().contains("COMPLETED"), status.out());

      // Once visibility lists the three backfilled runs as completed, a second backfill leaves them out.
      waitUntil(
          "visibility lists the backfilled runs as completed",
          () -> {
            try (JobConnection c = JobConnection.open(service.temporal.address(), "default", "test")) {
              return Schedules.completedRuns(
                          c, "daily", first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                          last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                      .size()
                  == 3;
            }
          });
      Cli.Result again =
          service.run("schedule", "backfill", "daily", "--from", first.toString(), "--to", last.toString());
      assertEquals(0, again.code(), again.out() + again.err());
      assertEquals(3, again.out().lines().filter(l -> l.startsWith("already completed, left out")).count(), again.out());
      Cli.Result describe = service.run("schedule", "describe", "daily");
      assertTrue(describe.out().contains("4 started"), describe.out());
      assertTrue(describe.out().contains("cron           0 2 * * *"), describe.out());

      Cli.Result list = service.run("schedule", "list");
      assertEquals(0, list.code(), list.out() + list.err());
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith("daily ") && l.contains("ACTIVE")), list.out());
      assertEquals(0, service.run("schedule", "pause", "daily", "--note", "test").code());
      assertTrue(service.run("schedule", "describe", "daily").out().contains("PAUSED (test)"));
      assertEquals(0, service.run("schedule", "unpause", "daily").code());
    } finally {
      worker.stop();
      service.run("schedule", "delete", "daily");
    }
    Cli.Result gone = service.run("schedule", "describe", "daily");
    assertEquals(5, gone.code(), gone.out() + gone.err());
  }

  @Test
  void aScheduledPipelineRendersEachStageForItsRunsNominalDate() throws Exception {
    Path dir = service.dir;
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate first = today.minusDays(3);
    LocalDate last = today.minusDays(2);
    for (LocalDate d = first.minusDays(1); d.isBefore(last); d = d.plusDays(1)) {
      Path input = dir.resolve("pin/" + d + ".csv");
      Files.createDirectories(input.getParent());
      SampleGenerator.write(input, 300 + d.getDayOfMonth() * 11L, d.getDayOfMonth());
    }
    Path spec = dir.resolve("nightly-pipe.json");
    Files.writeString(spec, "{\"stages\": ["
        + "{\"type\": \"settlement\", \"inputs\": [\"pin/{date-1}.csv\"], \"output\": \"pout/{date}/settled\"},"
        + "{\"type\": \"wordcount\", \"output\": \"pout/{date}/words\", \"parameters\": {\"column\": \"merchant_id\"}}]}");
    Cli.Result create =
        service.run("schedule", "create", "pipe", "--cron", "0 2 * * *", "--timezone", "UTC", spec.toString());
    assertEquals(0, create.code(), create.out() + create.err());
    WorkerService worker = worker();
    try {
      Cli.Result describe = service.run("schedule", "describe", "pipe");
      assertTrue(describe.out().contains("stage 2        wordcount: (stage 1's output) -> "), describe.out());
      Cli.Result backfill =
          service.run("schedule", "backfill", "pipe", "--from", first.toString(), "--to", last.toString());
      assertEquals(0, backfill.code(), backfill.out() + backfill.err());
      List<String> runs = waitForRecent("pipe", 2);
      assertEquals(List.of("pipe-" + first + "T02:00:00Z", "pipe-" + last + "T02:00:00Z"), runs.stream().sorted().toList());
      for (String id : runs) {
        PipelineResult result = client.newUntypedWorkflowStub(id).getResult(120, TimeUnit.SECONDS, PipelineResult.class);
        LocalDate nominal = LocalDate.parse(id.substring("pipe-".length(), "pipe-".length() + 10));
        // Every stage's job id names the schedule and the nominal time.
        assertEquals(id, result.pipelineId());
        assertEquals(id + ".1-settlement", result.stages().get(0).jobId());
        assertEquals(id + ".2-wordcount", result.stages().get(1).jobId());
        Path settled = dir.resolve("pout/" + nominal + "/settled").toAbsolutePath().normalize();
        assertEquals(settled.toString(), Path.of(result.stages().get(0).outputDir()).normalize().toString(), id);
        ReferenceSettlement.Result expected =
            ReferenceSettlement.compute(List.of(dir.resolve("pin/" + nominal.minusDays(1) + ".csv")), DEFAULT_RATES);
        assertEquals(expected.settlementCsv(), Files.readString(settled.resolve("settlement.csv")), id);
        // The second stage read that date's settlement.csv, and published next to it.
        Path words = dir.resolve("pout/" + nominal + "/words").toAbsolutePath().normalize();
        assertEquals(words.toString(), Path.of(result.stages().get(1).outputDir()).normalize().toString(), id);
        assertTrue(Files.exists(words.resolve("wordcount.csv")), id);
        long settledRows = expected.settlementCsv().lines().count() - 1;
        assertEquals(settledRows, result.stages().get(1).counts().rows(), id);
        WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(id), PipelineWorkflowImpl.class);
      }
    } finally {
      worker.stop();
      service.run("schedule", "delete", "pipe");
    }
  }

  @Test
  void aPassedDeadlineAlertsOnceWhileTheJobCompletesAndAJobInTimeDoesNot() throws Exception {
    Path input = service.dir.resolve("late/in.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, 300, 3);
    List<String> alerts = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          alerts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    hook.start();
    WorkerService worker = null;
    try {
      Cli.Result create =
          service.run(
              "schedule", "create", "late", "--cron", "0 2 * * *", "--deadline", "4h",
              "--alert-webhook", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
              "--type", "settlement", "--input", "late/in.csv", "--output", "late/out/{date}");
      assertEquals(0, create.code(), create.out() + create.err());
      worker = worker();
      // A run for a date ten days ago: its deadline (02:00 + 4h that day) has long passed.
      LocalDate past = LocalDate.now(ZoneOffset.UTC).minusDays(10);
      Cli.Result backfill =
          service.run("schedule", "backfill", "late", "--from", past.toString(), "--to", past.toString());
      assertEquals(0, backfill.code(), backfill.out() + backfill.err());
      String lateId = "late-" + past + "T02:00:00Z";
      assertEquals(List.of(lateId), waitForRecent("late", 1));
      client.newUntypedWorkflowStub(lateId).getResult(120, TimeUnit.SECONDS, JobResult.class);
      // A run triggered now (once the other ended: the overlap policy is skip) has four hours.
      assertEquals(0, service.run("schedule", "trigger", "late").code());
      List<String> runs = waitForRecent("late", 2);
      for (String id : runs) {
        client.newUntypedWorkflowStub(id).getResult(120, TimeUnit.SECONDS, JobResult.class);
      }
      // The late run's alert is delivered before that job completes: the list is final here.
      assertEquals(1, alerts.size(), alerts.toString());
      JsonNode alert = new ObjectMapper().readTree(alerts.get(0));
      assertEquals("DEADLINE_MISSED", alert.get("event").asText(), alerts.get(0));
      assertEquals(lateId, alert.get("jobId").asText(), alerts.get(0));
      assertTrue(alert.get("message").asText().contains("chunks done; the job goes on"), alerts.get(0));
      assertTrue(alert.get("stage").asText().matches("PLAN|PROCESS|MERGE|COMMIT"), alerts.get(0));
    } finally {
      if (worker != null) {
        worker.stop();
      }
      hook.stop(0);
      service.run("schedule", "delete", "late");
    }
  }

  @Test
  void overlapSkipDropsARunDueWhileThePreviousOneRuns() throws Exception {
    Path input = service.dir.resolve("overlap/in.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, 100, 1);
    Cli.Result create =
        service.run(
            "schedule", "create", "busy", "--cron", "0 3 * * *", "--catchup-window", "10m",
            "--pause-on-failure", "--jitter", "30s",
            "--type", "settlement", "--input", "overlap/in.csv", "--output", "overlap/out/{date}");
    assertEquals(0, create.code(), create.out() + create.err());
    String running = null;
    try {
      // No worker polls here: the first run stays running, so the next one is due during it.
      assertEquals(0, service.run("schedule", "trigger", "busy").code());
      Cli.Result first = waitForDescribe("busy", out -> RUNNING.matcher(out).find());
      Matcher m = RUNNING.matcher(first.out());
      assertTrue(m.find());
      running = m.group(1);
      assertTrue(running.startsWith("busy-"), running);
      assertTrue(first.out().contains("overlap        skip"), first.out());
      assertTrue(first.out().contains("catchup window 10m"), first.out());
      assertTrue(first.out().contains("pause on fail  yes"), first.out());
      assertTrue(first.out().contains("jitter         30s"), first.out());
      assertEquals(0, service.run("schedule", "trigger", "busy").code());
      Cli.Result skipped = waitForDescribe("busy", out -> out.contains("1 skipped (overlap)"));
      assertTrue(skipped.out().contains("1 started"), skipped.out());
    } finally {
      service.run("schedule", "delete", "busy");
      if (running != null) {
        client.newUntypedWorkflowStub(running).terminate("test over");
      }
    }
  }

  @Test
  void everyScheduleCommandOnTheEmbeddedServiceSaysWhatIsNeeded() {
    try (CliService embedded = CliService.start(TestTemporal.Kind.EMBEDDED, 0)) {
      String[][] commands = {
        {"schedule", "list"},
        {"schedule", "describe", "x"},
        {"schedule", "create", "x", "--cron", "0 2 * * *", "--type", "settlement", "--input", "in/{date}.csv",
            "--output", "out/{date}"},
        {"schedule", "pause", "x"},
        {"schedule", "unpause", "x"},
        {"schedule", "trigger", "x"},
        {"schedule", "backfill", "x", "--from", "2026-01-01", "--to", "2026-01-02"},
        {"schedule", "delete", "x"},
      };
      for (String[] command : commands) {
        Cli.Result r = embedded.run(command);
        String what = String.join(" ", command);
        assertEquals(2, r.code(), what + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), what + ": " + r.err());
        assertTrue(r.err().contains("temporal server start-dev"), what + ": " + r.err());
      }
      // Outside a schedule there is no nominal date: start refuses placeholders before starting anything.
      Cli.Result start = embedded.run("start", "--type", "settlement", "--input", "in/{date}.csv", "--output", "out");
      assertEquals(2, start.code(), start.out() + start.err());
      assertTrue(start.err().contains("ballast schedule create"), start.err());
      Cli.Result badDeadline =
          embedded.run("start", "--type", "settlement", "--input", "in.csv", "--output", "out", "--deadline", "soon");
      assertEquals(2, badDeadline.code(), badDeadline.out() + badDeadline.err());
      assertTrue(badDeadline.err().contains("deadline"), badDeadline.err());
      Cli.Result help = embedded.run("schedule", "create", "--help");
      assertEquals(0, help.code(), help.out() + help.err());
      assertTrue(help.out().contains("{date-N}") || help.out().contains("{date-1}"), help.out());
    }
  }

  /** The job ids of schedule {@code id}'s recent runs, once there are at least {@code n}. */
  private static List<String> waitForRecent(String id, int n) throws InterruptedException {
    Cli.Result r = waitForDescribe(id, out -> count(RECENT, out) >= n);
    List<String> ids = new ArrayList<>();
    Matcher m = RECENT.matcher(r.out());
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static int count(Pattern p, String text) {
    int n = 0;
    Matcher m = p.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static Cli.Result waitForDescribe(String id, Predicate<String> done) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(90);
    Cli.Result r;
    do {
      r = service.run("schedule", "describe", id);
      assertEquals(0, r.code(), r.out() + r.err());
      if (done.test(r.out())) {
        return r;
      }
      Thread.sleep(300);
    } while (Instant.now().isBefore(deadline));
    return fail("schedule " + id + " did not get there in 90 s:\n" + r.out());
  }

  private static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(300);
    }
  }
}
