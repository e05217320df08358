package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.testkit.TestTemporal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job commands against a Temporal service with no worker, once on the embedded service and
 * once on a real server: jobs started here stay RUNNING, which is what these tests need.
 */
@ParameterizedClass(name = "on the {0} service")
@EnumSource(TestTemporal.Kind.class)
@Timeout(120)
class JobCommandsTest {
  @Parameter TestTemporal.Kind kind;

  private static CliService service;
  private static Map<String, String> env;
  private static Path dir;

  @BeforeParameterizedClassInvocation
  static void start(TestTemporal.Kind kind) {
    service = CliService.start(kind, 0);
    env = service.env;
    dir = service.dir;
    try {
      java.nio.file.Files.writeString(dir.resolve("in.csv"), ""); // start checks that its input exists
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  @Test
  void statusOfAnUnknownJobExitsFive() {
    Cli.Result r = Cli.run(env, dir, "status", "no-such-job");
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, r.code(), r.err());
    assertEquals("job no-such-job not found", r.err().trim());
  }

  @Test
  void steeringAnUnknownJobExitsFive() {
    for (String command : new String[] {"pause", "resume", "cancel", "watch"}) {
      Cli.Result r = Cli.run(env, dir, command, "no-such-job");
      assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, r.code(), command + ": " + r.err());
      assertEquals(1, r.errLines(), r.err());
    }
  }

  @Test
  void startPrintsTheIdAndASecondStartIsAConflict() throws Exception {
    String[] args = {
      "start", "--id", "nightly-1", "--type", "settlement", "--input", "in.csv", "--output", "out"
    };
    Cli.Result first = Cli.run(env, dir, args);
    assertEquals(0, first.code(), first.err());
    assertEquals("nightly-1", first.out().trim());

    Cli.Result second = Cli.run(env, dir, args);
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, second.code());
    assertEquals(
        "job nightly-1 is already running; watch it with ballast watch nightly-1", second.err().trim());

    Cli.Result status = Cli.run(env, dir, "status", "nightly-1", "--json");
    assertEquals(0, status.code(), status.err());
    JsonNode json = new ObjectMapper().readTree(status.out());
    assertEquals("nightly-1", json.get("id").asText());
    assertEquals("RUNNING", json.get("status").asText());
    for (String field :
        new String[] {"stage", "chunksDone", "chunksTotal", "rows", "accepted", "skipped", "rejected", "startedAt"}) {
      assertTrue(json.has(field), "missing " + field + " in " + status.out());
    }

    Cli.Result list = Cli.run(env, dir, "list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().startsWith("ID "), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("nightly-1 ") && l.contains("RUNNING")), list.out());

    Cli.Result completedOnly = Cli.run(env, dir, "list", "--status", "completed");
    assertEquals(0, completedOnly.code(), completedOnly.err());
    assertTrue(completedOnly.out().lines().noneMatch(l -> l.startsWith("nightly-1 ")), completedOnly.out());

    Cli.Result paused = Cli.run(env, dir, "pause", "nightly-1");
    assertEquals(0, paused.code(), paused.err());
    assertEquals("paused job nightly-1", paused.out().trim());
  }

  /** The spec a job or pipeline was started with, read back from its history. */
  private static <T> T startedWith(String id, Class<T> type) throws Exception {
    try (JobConnection c = JobConnection.open(service.temporal.address(), "default", "test")) {
      io.temporal.api.common.v1.Payloads input = c.client().fetchHistory(id).getEvents().get(0)
          .getWorkflowExecutionStartedEventAttributes().getInput();
      return c.client().getOptions().getDataConverter().fromPayloads(0, java.util.Optional.of(input), type, type);
    }
  }

  @Test
  void aLoadJobStartsWithTheLoadPolicyWhereItsSpecSetsNone() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("load.json"), "{\"type\": \"load\", \"inputs\": [\"in.csv\"],"
        + " \"output\": \"loaded\", \"parameters\": {\"table\": \"t\", \"key\": [\"k\"]},"
        + " \"policies\": {\"process\": {\"retry\": {\"maximumAttempts\": 3}}}}");
    Cli.Result started = Cli.run(env, dir, "start", "load.json", "--id", "load-policy-1");
    assertEquals(0, started.code(), started.err());
    dev.ballast.api.model.JobSpec spec = startedWith("load-policy-1", dev.ballast.api.model.JobSpec.class);
    dev.ballast.job.policy.StagePolicy process = spec.policy(dev.ballast.job.policy.Stage.PROCESS);
    assertEquals(3, process.retry().maximumAttempts(), "the spec's own field wins");
    assertEquals(dev.ballast.jobs.load.LoadJobType.PROCESS_POLICY.retry().initialInterval(),
        process.retry().initialInterval(), "the rest is the load job's");
    assertEquals(java.time.Duration.ofMinutes(1), process.retry().maximumInterval());
    assertEquals(java.time.Duration.ofSeconds(30), process.timeouts().heartbeat());
    assertTrue(process.retry().nonRetryableErrorTypes().contains("DB_CONSTRAINT"));
    assertEquals(dev.ballast.job.policy.StagePolicy.defaults(dev.ballast.job.policy.Stage.MERGE),
        spec.policy(dev.ballast.job.policy.Stage.MERGE));

    Cli.Result settlement = Cli.run(env, dir, "start", "--id", "settlement-policy-1", "--type", "settlement",
        "--input", "in.csv", "--output", "out");
    assertEquals(0, settlement.code(), settlement.err());
    assertEquals(null, startedWith("settlement-policy-1", dev.ballast.api.model.JobSpec.class).policies(),
        "a type without a policy of its own leaves the spec as it was");
  }

  @Test
  void aPipelineStartsPrintingItsIdAndItsLoadStageGetsTheLoadPolicy() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("pipe.json"), "{\"id\": \"pipe-start-1\", \"stages\": ["
        + "{\"type\": \"settlement\", \"inputs\": [\"in.csv\"], \"output\": \"settled\"},"
        + "{\"type\": \"load\", \"output\": \"loaded\", \"parameters\": {\"table\": \"t\", \"key\": [\"k\"]}}]}");
    Cli.Result started = Cli.run(env, dir, "start", "pipe.json");
    assertEquals(0, started.code(), started.err());
    assertEquals("pipe-start-1", started.out().trim());
    dev.ballast.api.model.PipelineSpec spec = startedWith("pipe-start-1", dev.ballast.api.model.PipelineSpec.class);
    assertEquals(null, spec.stages().get(0).policies());
    assertEquals(dev.ballast.jobs.load.LoadJobType.PROCESS_POLICY,
        spec.stages().get(1).policy(dev.ballast.job.policy.Stage.PROCESS));

    Cli.Result again = Cli.run(env, dir, "start", "pipe.json");
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, again.code());
    assertEquals("pipeline pipe-start-1 is already running; watch it with ballast watch pipe-start-1", again.err().trim());

    // No worker here: status reads the stages from their jobs (stage 1's job started by hand, as the
    // pipeline would), and pause says what to do instead.
    Cli.Result stageJob = Cli.run(env, dir, "start", "--id", "pipe-start-1.1-settlement", "--type", "settlement",
        "--input", "in.csv", "--output", "settled");
    assertEquals(0, stageJob.code(), stageJob.err());
    Cli.Result status = Cli.run(env, dir, "status", "pipe-start-1");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("type: pipeline") && status.out().contains("status: RUNNING"), status.out());
    assertTrue(status.out().contains("1. settlement  pipe-start-1.1-settlement  running"), status.out());
    assertTrue(status.out().contains("2. load  pipe-start-1.2-load  pending"), status.out());
    assertTrue(status.out().contains("stages shown as their jobs are"), status.out());
    Cli.Result pause = Cli.run(env, dir, "pause", "pipe-start-1");
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, pause.code());
    assertTrue(pause.err().contains("ballast pause pipe-start-1.N-TYPE"), pause.err());

    Cli.Result bad = Cli.run(env, dir, "start", "pipe.json", "--type", "load");
    assertEquals(ExitCodes.USAGE, bad.code());
  }
}
