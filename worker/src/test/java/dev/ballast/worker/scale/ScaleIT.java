package dev.ballast.worker.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.api.HistoryLimits;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.job.policy.Stage;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs far past the size at which a plan carried in workflow payloads hit the real server's 2 MB
 * limit (about 10,000 chunks or input files), on a real Temporal server, which enforces the limits
 * the embedded service does not: {@code -Dballast.scale.chunks} chunks of 1 KiB over one file
 * (default 20,000: about 3 minutes on a quiet 2-core machine, several times that under load), and a
 * directory of 5,000 small files. Each must complete with outputs byte-identical to the independent reference, every
 * payload in every workflow run (job, plan, each process run, merge, commit) below 256 KB, and every
 * run's history below 10,000 events and 10 MB.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ScaleIT {
  private static final long PAYLOAD_LIMIT = 256 * 1024;
  private static final int EVENT_LIMIT = 10_000;
  private static final long HISTORY_BYTES_LIMIT = 10L << 20;

  @TempDir static Path dir;
  private static RealTemporalServer server;
  private static WorkerService worker;
  private static WorkflowClient client;

  @BeforeAll
  static void startServerAndWorker() {
    RealTemporalServer.requireCli();
    server = RealTemporalServer.start(RealTemporalServer.options().in(dir.resolve("server")));
    WorkerSettings settings = WorkerSettings.defaults(server.address()).withChunkSlots(16);
    worker = Guice.createInjector(new WorkerModule(settings)).getInstance(WorkerService.class);
    worker.start();
    client = worker.client();
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Chunks of the one-file job. */
  private static final int CHUNKS = Integer.getInteger("ballast.scale.chunks", 20_000);

  @Test
  void manySmallChunksOverOneFile() throws Exception {
    Path input = dir.resolve("in").resolve("transactions.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, CHUNKS * 17, 11);
    long chunkBytes = 1024;
    // Chunks end at the first line end past 1 KiB: about 1,060 bytes each here.
    assertTrue(Files.size(input) / 1_100 >= CHUNKS, "input for at least " + CHUNKS + " chunks");

    runAndCheck("scale-chunks", List.of(input.toString()), List.of(input), chunkBytes, CHUNKS, 1);
  }

  @Test
  void aDirectoryOfFiveThousandFiles() throws Exception {
    Path in = dir.resolve("many");
    Files.createDirectories(in);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Path file = in.resolve(String.format("day-%05d.csv", i));
      SampleGenerator.write(file, 3, 1000 + i);
      files.add(file);
    }
    runAndCheck("scale-files", List.of(in.toString()), files, 1L << 20, 5_000, 5_000);
  }

  private static void runAndCheck(
      String id, List<String> inputs, List<Path> files, long chunkBytes, int minChunks, int minFiles)
      throws Exception {
    Path output = dir.resolve("out-" + id);
    JobSpec spec =
        new JobSpec(id, "settlement", inputs, output.toString(), Map.of(), chunkBytes, 32, null,
            null, 1, null);
    long began = System.nanoTime();
    JobResult result =
        client
            .newWorkflowStub(
                JobWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build())
            .run(spec);
    long millis = (System.nanoTime() - began) / 1_000_000;

    assertTrue(result.chunks() >= minChunks, id + ": chunks " + result.chunks());
    assertTrue(files.size() >= minFiles, id + ": files " + files.size());
    ReferenceSettlement.Result expected =
        ReferenceSettlement.compute(files, SettlementJobType.DEFAULT_RATES);
    assertArrayEquals(
        expected.settlementCsv().getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(output.resolve("settlement.csv")), id + ": settlement.csv");
    assertArrayEquals(
        expected.rejectsJsonl().getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(output.resolve("rejects.jsonl")), id + ": rejects.jsonl");
    assertEquals(
        new Counts(expected.rows(), expected.accepted(), expected.pending(), expected.rejected()),
        result.counts());
    assertEquals(List.of(), ManifestVerifier.verify(output));
    assertEquals(files.size(),
        dev.ballast.engine.files.Manifest.read(output.resolve("manifest.json")).inputs().size(),
        "every input listed in the manifest");
    assertFalse(Files.exists(StagingLayout.forJob(output, id).dir()), "staging area cleaned up");

    List<String> stages =
        Stream.of(Stage.values()).map(s -> JobWorkflow.stageId(id, s)).toList();
    List<HistoryLimits.Run> runs = HistoryLimits.of(client, id, stages);
    HistoryLimits.Run payload = HistoryLimits.largestPayload(runs);
    HistoryLimits.Run events = HistoryLimits.mostEvents(runs);
    HistoryLimits.Run size = HistoryLimits.largestHistory(runs);
    System.out.printf(
        "%s: %d chunks, %d files, %,d rows in %,d ms on the real server; %d workflow runs; "
            + "largest payload %,d B (%s run %d); most events %,d (%s run %d); "
            + "largest history %,d B (%s run %d)%n",
        id, result.chunks(), files.size(), result.counts().rows(), millis, runs.size(),
        payload.largestPayloadBytes(), payload.workflowId(), payload.run(),
        events.events(), events.workflowId(), events.run(),
        size.historyBytes(), size.workflowId(), size.run());
    assertTrue(
        Set.of(Stage.values()).size() + 1 <= runs.size(), "every stage's runs read: " + runs.size());
    assertTrue(payload.largestPayloadBytes() < PAYLOAD_LIMIT, "largest payload: " + payload);
    assertTrue(events.events() < EVENT_LIMIT, "most events in a run: " + events);
    assertTrue(size.historyBytes() < HISTORY_BYTES_LIMIT, "largest history: " + size);
    assertTrue(
        runs.stream().filter(r -> r.workflowId().equals(id)).allMatch(r -> r.events() < 2_000),
        "the job workflow's own history stays short: " + Arrays.toString(
            runs.stream().filter(r -> r.workflowId().equals(id)).toArray()));
  }
}
