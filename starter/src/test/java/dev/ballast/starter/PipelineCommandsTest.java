package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.TestTemporal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code start}, {@code watch}, {@code status}, {@code list}, {@code pause}, {@code resume} and
 * {@code cancel} of a pipeline id, through the real CLI against a worker, once on the embedded
 * service and once on a real server.
 */
@ParameterizedClass(name = "on the {0} service")
@EnumSource(TestTemporal.Kind.class)
@Timeout(240)
class PipelineCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameter TestTemporal.Kind kind;

  private static CliService service;
  private static Path dir;
  private static Map<String, String> env;

  @BeforeParameterizedClassInvocation
  static void start(TestTemporal.Kind kind) throws Exception {
    service = CliService.start(kind, 2);
    dir = service.dir;
    env = service.env;
    SampleGenerator.write(dir.resolve("in.csv"), 20_000, 3);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  /** settlement, then wordcount over a column of its settlement.csv. */
  private static Path spec(String id, String column, String extraSettlementFields) throws Exception {
    Path file = dir.resolve(id + ".json");
    Files.writeString(file, "{\"id\": \"" + id + "\", \"stages\": ["
        + "{\"type\": \"settlement\", \"inputs\": [\"in.csv\"], \"output\": \"" + id + "-settled\""
        + extraSettlementFields + "},"
        + "{\"type\": \"wordcount\", \"output\": \"" + id + "-words\", \"parameters\": {\"column\": \"" + column + "\"}}]}");
    return file;
  }

  private static JsonNode status(String id) throws Exception {
    Cli.Result r = Cli.run(env, dir, "status", id, "--json");
    assertEquals(0, r.code(), r.err());
    return JSON.readTree(r.out());
  }

  private static List<String> states(JsonNode status) {
    List<String> states = new ArrayList<>();
    status.get("stages").forEach(s -> states.add(s.get("state").asText()));
    return states;
  }

  private static JsonNode awaitStatus(String id, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = status(id);
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status of " + id + " never matched; last: " + last);
  }

  @Test
  void startThenWatchFollowsEveryStageAndStatusShowsThem() throws Exception {
    Cli.Result started = Cli.run(env, dir, "start", spec("pipe-ok", "merchant_id", "").toString());
    assertEquals(0, started.code(), started.err());
    assertEquals("pipe-ok", started.out().trim());

    Cli.Result watched = Cli.run(env, dir, "watch", "pipe-ok");
    assertEquals(0, watched.code(), watched.out() + watched.err());
    String out = watched.out();
    // Both stages' jobs followed with the job code (their summaries), in order, then the pipeline.
    int stage1 = out.indexOf("stage 1 of 2: pipe-ok.1-settlement (settlement)");
    int job1 = out.indexOf("job pipe-ok.1-settlement completed in");
    int stage2 = out.indexOf("stage 2 of 2: pipe-ok.2-wordcount (wordcount)");
    int job2 = out.indexOf("job pipe-ok.2-wordcount completed in");
    int done = out.indexOf("pipeline pipe-ok completed");
    assertTrue(stage1 >= 0 && stage1 < job1 && job1 < stage2 && stage2 < job2 && job2 < done, out);

    JsonNode status = status("pipe-ok");
    assertEquals("pipeline", status.get("type").asText());
    assertEquals("COMPLETED", status.get("status").asText());
    assertEquals(List.of("completed", "completed"), states(status));
    assertEquals("pipe-ok.2-wordcount", status.get("stages").get(1).get("jobId").asText());
    assertTrue(status.get("files").toString().contains("wordcount.csv"), status.toString());

    Cli.Result text = Cli.run(env, dir, "status", "pipe-ok");
    assertTrue(text.out().contains("  1. settlement  pipe-ok.1-settlement  completed"), text.out());

    Cli.Result list = Cli.run(env, dir, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.matches("pipe-ok\\s+pipeline\\s+COMPLETED\\s.*")), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.matches("pipe-ok\\.1-settlement\\s+settlement\\s+COMPLETED\\s.*")),
        list.out());
  }

  @Test
  void aFailedStageShowsInStatusAndAStartWithTheFixedSpecSkipsTheIntactStage() throws Exception {
    Cli.Result started = Cli.run(env, dir, "start", spec("pipe-bad", "merchant", "").toString());
    assertEquals(0, started.code(), started.err());
    Cli.Result watched = Cli.run(env, dir, "watch", "pipe-bad");
    assertEquals(ExitCodes.JOB_FAILED, watched.code(), watched.out() + watched.err());
    assertTrue(watched.out().contains("job pipe-bad.1-settlement completed"), watched.out());
    assertTrue(watched.err().contains("job pipe-bad.2-wordcount failed: "), watched.err());
    assertTrue(watched.err().contains("pipeline pipe-bad failed: "), watched.err());
    assertTrue(watched.err().contains("lacks column 'merchant'"), watched.err());

    JsonNode failed = status("pipe-bad");
    assertEquals("FAILED", failed.get("status").asText());
    assertEquals(List.of("completed", "failed"), states(failed));
    assertTrue(failed.get("error").asText().contains("lacks column 'merchant'"), failed.toString());
    // The failed stage's job, as `status JOB` shows it.
    assertEquals("pipe-bad.2-wordcount", failed.get("stageJob").get("id").asText());
    assertEquals("FAILED", failed.get("stageJob").get("status").asText());
    assertEquals("BAD_HEADER", failed.get("stageJob").get("errorType").asText());

    spec("pipe-bad", "merchant_id", "");
    Cli.Result again = Cli.run(env, dir, "start", dir.resolve("pipe-bad.json").toString());
    assertEquals(0, again.code(), again.err());
    Cli.Result resumed = Cli.run(env, dir, "watch", "pipe-bad");
    assertEquals(0, resumed.code(), resumed.out() + resumed.err());
    assertTrue(resumed.out().contains("stage 1 of 2: pipe-bad.1-settlement skipped: its published result is intact"),
        resumed.out());
    assertFalse(resumed.out().contains("job pipe-bad.1-settlement completed"), resumed.out());
    assertEquals(List.of("skipped-intact", "completed"), states(status("pipe-bad")));
  }

  @Test
  void pauseResumeAndCancelActOnTheRunningStage() throws Exception {
    // Small chunks, one at a time: the first stage runs long enough to be steered.
    Path file = spec("pipe-steer", "merchant_id", ", \"chunkBytes\": 65536, \"maxInFlight\": 1");
    Cli.Result started = Cli.run(env, dir, "start", file.toString());
    assertEquals(0, started.code(), started.err());

    // Until the first stage's job has started, pause says there is nothing to pause yet.
    long deadline = System.nanoTime() + 60_000_000_000L;
    Cli.Result paused;
    do {
      paused = Cli.run(env, dir, "pause", "pipe-steer");
    } while (paused.code() != 0 && System.nanoTime() < deadline && sleep());
    assertEquals(0, paused.code(), paused.err());
    assertTrue(paused.out().startsWith("paused job pipe-steer.1-settlement, the running stage of pipeline pipe-steer"),
        paused.out());

    JsonNode running = awaitStatus("pipe-steer", s -> s.has("stageJob") && s.get("stageJob").get("paused").asBoolean()
        && "PROCESS".equals(s.get("stageJob").get("stage").asText()));
    assertEquals("RUNNING", running.get("status").asText());
    assertEquals(List.of("running", "pending"), states(running));
    assertEquals("pipe-steer.1-settlement", running.get("stageJob").get("id").asText());
    assertTrue(running.get("stageJob").get("chunksTotal").asInt() > 1, running.toString());
    assertTrue(running.get("stage").asText().startsWith("1 of 2: pipe-steer.1-settlement running"), running.toString());
    Cli.Result text = Cli.run(env, dir, "status", "pipe-steer");
    assertTrue(text.out().contains("stageJob:\n  id: pipe-steer.1-settlement\n"), text.out());
    assertTrue(text.out().contains("\n  paused: true\n"), text.out());

    Cli.Result resumed = Cli.run(env, dir, "resume", "pipe-steer");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("resumed job pipe-steer.1-settlement, the running stage of pipeline pipe-steer", resumed.out().trim());
    awaitStatus("pipe-steer", s -> s.has("stageJob") && !s.get("stageJob").get("paused").asBoolean());

    Cli.Result cancelled = Cli.run(env, dir, "cancel", "pipe-steer");
    assertEquals(0, cancelled.code(), cancelled.err());
    assertTrue(cancelled.out().startsWith("cancel requested for pipeline pipe-steer"), cancelled.out());
    Cli.Result watched = Cli.run(env, dir, "watch", "pipe-steer");
    assertEquals(ExitCodes.JOB_CANCELLED, watched.code(), watched.out() + watched.err());
    assertTrue(watched.err().contains("pipeline pipe-steer was cancelled"), watched.err());
    JsonNode after = status("pipe-steer");
    assertEquals("CANCELED", after.get("status").asText());
    assertEquals(List.of("cancelled", "pending"), states(after));
    assertFalse(Files.exists(dir.resolve("pipe-steer-settled/manifest.json")), "nothing published");

    // A cancelled pipeline is started again with its own spec by resume.
    Cli.Result restarted = Cli.run(env, dir, "resume", "pipe-steer", "--follow");
    assertEquals(0, restarted.code(), restarted.out() + restarted.err());
    assertTrue(restarted.out().startsWith("restarted pipeline pipe-steer (it had canceled)"), restarted.out());
    assertTrue(restarted.out().contains("pipeline pipe-steer completed"), restarted.out());
    assertEquals(List.of("completed", "completed"), states(status("pipe-steer")));
  }

  private static boolean sleep() {
    try {
      Thread.sleep(100);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
