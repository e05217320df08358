package dev.ballast.starter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.testkit.TestTemporal;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What happens when things fail, through the real CLI against a worker, once on the embedded
 * service and once on a real server: a job that failed resumes after its cause is fixed without
 * redoing finished chunks; an input that changes under a running job fails it with an integrity
 * error; bad input fails fast.
 */
@ParameterizedClass(name = "on the {0} service")
@EnumSource(TestTemporal.Kind.class)
@Timeout(180)
class FailureRecoveryTest {
  private static final int ROWS = 200_000;

  @Parameter TestTemporal.Kind kind;

  private static CliService service;
  private static Path dir;
  private static Map<String, String> env;
  private static Path input;
  private static ReferenceSettlement.Result expected;

  @BeforeParameterizedClassInvocation
  static void start(TestTemporal.Kind kind) throws IOException {
    service = CliService.start(kind, 2);
    dir = service.dir;
    env = service.env;
    input = dir.resolve("transactions.csv");
    SampleGenerator.write(input, ROWS, 11);
    expected = ReferenceSettlement.compute(List.of(input), SettlementJobType.DEFAULT_RATES);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  /** A spec file: 1 MB chunks, chunk activities tried twice, 100 ms apart. */
  private static Path spec(String id, Path in, Path out) throws IOException {
    Path file = dir.resolve(id + ".json");
    Map<String, Object> spec =
        Map.of(
            "id", id,
            "type", "settlement",
            "inputs", List.of(in.toString()),
            "output", out.toString(),
            "chunkBytes", 1_000_000,
            "maxInFlight", 3,
            "policies",
                Map.of("process",
                    Map.of("retry", Map.of("maximumAttempts", 2, "initialInterval", "100ms"))));
    new ObjectMapper().writeValue(file.toFile(), spec);
    return file;
  }

  @Test
  void aFailedJobResumesWithoutRedoingFinishedChunks() throws Exception {
    Path out = dir.resolve("out-resume");
    // Something in the way of chunk 5's first staged file: a non-empty directory at its name.
    Path blocker =
        StagingLayout.forJob(out, "resume-1").chunksDir().resolve("chunk-000005.seg-0000.acc");
    Files.createDirectories(blocker);
    Files.writeString(blocker.resolve("in-the-way"), "x");

    Cli.Result failed = Cli.run(env, dir, "run", spec("resume-1", input, out).toString());
    assertEquals(ExitCodes.JOB_FAILED, failed.code(), failed.out() + failed.err());
    assertFalse(Files.exists(out.resolve("manifest.json")), "a failed job publishes nothing");
    WorkflowClient client = service.worker.client();
    String firstRun =
        client.newUntypedWorkflowStub("resume-1/process").describe().getExecution().getRunId();
    List<ChunkResult> before = chunkResults(client.fetchHistory("resume-1/process", firstRun));
    assertTrue(before.stream().noneMatch(r -> r.index() == 5), "chunk 5 could not finish");
    assertTrue(before.size() >= 5, "chunks 0-4 finished before the failure: " + before);

    deleteTree(blocker);
    Cli.Result resumed = Cli.run(env, dir, "resume", "resume-1", "--follow");
    assertEquals(ExitCodes.OK, resumed.code(), resumed.out() + resumed.err());
    assertTrue(resumed.out().contains("restarted job resume-1"), resumed.out());

    List<ChunkResult> after = chunkResults(client.fetchHistory("resume-1/process"));
    List<Integer> reused = indexes(after, ChunkResult::reused);
    assertEquals(indexes(before, r -> true), reused, "exactly the finished chunks were reused");
    assertTrue(indexes(after, r -> !r.reused()).contains(5), "chunk 5 was processed");
    assertArrayEquals(expected.settlementCsv().getBytes(UTF_8),
        Files.readAllBytes(out.resolve("settlement.csv")));
    assertArrayEquals(expected.rejectsJsonl().getBytes(UTF_8),
        Files.readAllBytes(out.resolve("rejects.jsonl")));
    Cli.Result verified = Cli.run(env, dir, "verify", out.toString());
    assertEquals(ExitCodes.OK, verified.code(), verified.out() + verified.err());
    assertTrue(verified.out().startsWith("ok: "), verified.out());
  }

  @Test
  void anInputChangedUnderARunningJobFailsItWithAnIntegrityError() throws Exception {
    Path changing = dir.resolve("changing.csv");
    Files.copy(input, changing);
    Path out = dir.resolve("out-changed");
    Cli.Result started = Cli.run(env, dir, "start", spec("changed-1", changing, out).toString());
    assertEquals(ExitCodes.OK, started.code(), started.err());
    // Hold the job before it processes anything, change the input, then let it go.
    assertEquals(ExitCodes.OK, Cli.run(env, dir, "pause", "changed-1").code());
    awaitStatus("changed-1", s -> s.contains("\"stage\":\"PROCESS\""));
    try (RandomAccessFile file = new RandomAccessFile(changing.toFile(), "rw")) {
      file.seek(file.length() / 2);
      file.write("9".getBytes(UTF_8)); // same size, different bytes
    }
    assertEquals(ExitCodes.OK, Cli.run(env, dir, "resume", "changed-1").code());

    Cli.Result watched = Cli.run(env, dir, "watch", "changed-1");
    assertEquals(ExitCodes.JOB_FAILED, watched.code(), watched.out() + watched.err());
    assertTrue(watched.err().contains("changed since it was planned"), watched.err());
    assertTrue(watched.err().contains("INPUT_CHANGED"), watched.err());
    assertFalse(Files.exists(out.resolve("manifest.json")), "nothing published");
    assertFalse(Files.exists(out.resolve("settlement.csv")), "nothing published");
  }

  @Test
  void aMissingColumnFailsInThePlanBeforeAnyProcessing() throws Exception {
    Path bad = dir.resolve("no-amount.csv");
    Files.writeString(bad, "txn_id,merchant_id,currency,status,created_at\nt1,m1,USD,SETTLED,2024-01-01T00:00:00Z\n");
    long start = System.nanoTime();
    // The address as a flag this time, not from the environment.
    Cli.Result r = Cli.run(Map.of(), dir, "run", "--address", service.temporal.address(),
        spec("bad-1", bad, dir.resolve("out-bad")).toString());
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(ExitCodes.JOB_FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("lacks required column 'amount'"), r.err());
    assertTrue(r.err().contains("BAD_HEADER"), r.err());
    assertTrue(seconds < 30, "failed fast, not after retries: " + seconds + " s");
  }

  private static void awaitStatus(String id, Predicate<String> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      Cli.Result status = Cli.run(env, dir, "status", id, "--json");
      last = status.out().replace(" ", "").replace("\n", "");
      if (condition.test(last)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status never matched; last: " + last);
  }

  /** The results of the chunk activities that completed in a run of the process stage. */
  private static List<ChunkResult> chunkResults(WorkflowExecutionHistory history) {
    List<ChunkResult> results = new ArrayList<>();
    for (HistoryEvent event : ChunkEvents.of(history.getEvents(), EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)) {
      if (event.getActivityTaskCompletedEventAttributes().hasResult()) {
        ChunkResult result =
            service.worker.client().getOptions().getDataConverter()
                .fromPayloads(0, Optional.of(event.getActivityTaskCompletedEventAttributes()
                    .getResult()), ChunkResult.class, ChunkResult.class);
        if (result != null && result.counts() != null) {
          results.add(result);
        }
      }
    }
    return results;
  }

  private static List<Integer> indexes(List<ChunkResult> results, Predicate<ChunkResult> which) {
    return results.stream().filter(which).map(ChunkResult::index).sorted().toList();
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
