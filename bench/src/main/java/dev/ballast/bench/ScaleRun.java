package dev.ballast.bench;

import com.google.inject.Guice;
import dev.ballast.api.HistoryLimits;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.job.policy.Stage;
import dev.ballast.starter.Jobs;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One settlement job at scale (many chunks or many input files) on the embedded service or on a
 * real Temporal server ({@code temporal server start-dev}, found through {@code
 * BALLAST_TEST_TEMPORAL_CLI}), with an in-process worker; then what its workflow runs weigh against
 * Temporal's limits, and the outputs checked against {@link ReferenceJob}.
 *
 * <p>Usage: {@code ScaleRun [--real] [--chunk-bytes N] [--max-in-flight K] [--chunk-slots S]
 * OUTPUT_DIR INPUT...}, or {@code ScaleRun --generate-files N ROWS DIR} to write N small inputs. Prints one {@code scale:} line: service, chunks, files, wall time, process
 * stage time per chunk, workflow runs, most events in a run and largest payload per workflow
 * (job, plan, process, merge, commit), peak worker heap (used, sampled every 100 ms), and whether
 * {@code settlement.csv} and {@code rejects.jsonl} equal the reference's.
 */
public final class ScaleRun {
  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--generate-files")) {
      // ScaleRun --generate-files N ROWS DIR: N settlement files of ROWS rows each.
      int n = Integer.parseInt(args[1]);
      Path dir = Files.createDirectories(Path.of(args[3]));
      for (int i = 0; i < n; i++) {
        dev.ballast.samples.SampleGenerator.write(
            dir.resolve(String.format("day-%06d.csv", i)), Long.parseLong(args[2]), 1000 + i);
      }
      System.exit(0);
    }
    boolean real = false;
    boolean inProcess = false;
    long chunkBytes = 4096;
    int maxInFlight = 32;
    int slots = 16;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--real" -> real = true;
        case "--in-process" -> inProcess = true;
        case "--chunk-bytes" -> chunkBytes = Long.parseLong(args[++i]);
        case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[++i]);
        case "--chunk-slots" -> slots = Integer.parseInt(args[++i]);
        default -> rest.add(args[i]);
      }
    }
    if (rest.size() < 2) {
      System.err.println(
          "usage: ScaleRun [--real | --in-process] [--chunk-bytes N] [--max-in-flight K] [--chunk-slots S] OUTPUT_DIR INPUT...");
      System.exit(2);
    }
    Path output = Path.of(rest.get(0)).toAbsolutePath();
    List<String> inputs =
        rest.subList(1, rest.size()).stream().map(p -> Path.of(p).toAbsolutePath().toString()).toList();
    String id = "scale-" + System.currentTimeMillis();
    JobSpec spec =
        new JobSpec(id, "settlement", inputs, output.toString(), Map.of(), chunkBytes, maxInFlight,
            null, null, 1, null);

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);

    String line;
    // --in-process: the embedded service and the worker in one JVM over an in-process channel,
    // sticky execution on, as `ballast run` runs a job; otherwise over loopback gRPC, as a
    // worker of its own connects (on the embedded service then without sticky execution).
    EmbeddedTemporal embedded = inProcess && !real ? EmbeddedTemporal.start(0) : null;
    try (TestTemporal service = real
        ? RealTemporalServer.start(RealTemporalServer.options().in(output.resolveSibling(output.getFileName() + ".server")))
        : embedded != null ? TestTemporal.of(embedded) : TestTemporal.embedded()) {
      WorkerSettings settings = WorkerSettings.defaults(service.address()).withChunkSlots(slots);
      WorkerService worker =
          Guice.createInjector(new WorkerModule(settings)).getInstance(WorkerService.class);
      if (embedded != null) {
        worker.useInProcessChannel(embedded.inProcessChannel());
      }
      worker.start();
      try {
        WorkflowClient client = worker.client();
        sampler.start();
        long began = System.nanoTime();
        Jobs.start(client, spec, false);
        JobResult result = client.newUntypedWorkflowStub(id).getResult(JobResult.class);
        long wallMillis = (System.nanoTime() - began) / 1_000_000;
        sampler.interrupt();
        StageTimes times = StageTimes.read(client, id);
        List<String> stageIds = Stream.of(Stage.values()).map(s -> JobWorkflow.stageId(id, s)).toList();
        List<HistoryLimits.Run> runs = HistoryLimits.of(client, id, stageIds);
        String kind = embedded != null ? "in-process" : service.kind().name().toLowerCase();
        line = describe(kind, result, inputs, wallMillis, times, runs, peakHeap.get())
            + " outputs " + compare(output, inputs);
      } finally {
        worker.stop();
      }
    }
    System.out.println(line);
    System.exit(0);
  }

  private static String describe(
      String service, JobResult result, List<String> inputs, long wallMillis, StageTimes times,
      List<HistoryLimits.Run> runs, long heap) throws IOException {
    long files = 0;
    for (String input : inputs) {
      Path p = Path.of(input);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          files += s.filter(Files::isRegularFile).count();
        }
      } else {
        files++;
      }
    }
    Map<String, long[]> byStage = new LinkedHashMap<>();
    for (HistoryLimits.Run run : runs) {
      String key = run.workflowId().contains("/") ? run.workflowId().substring(run.workflowId().indexOf('/') + 1) : "job";
      long[] agg = byStage.computeIfAbsent(key, k -> new long[4]);
      agg[0] = Math.max(agg[0], run.events());
      agg[1] = Math.max(agg[1], run.largestPayloadBytes());
      agg[2]++;
      agg[3] = Math.max(agg[3], run.historyBytes());
    }
    StringBuilder stages = new StringBuilder();
    byStage.forEach((k, v) -> stages.append(String.format(" %s[runs %d, peak events %d, largest payload %d B, largest history %d B]", k, v[2], v[0], v[1], v[3])));
    long processMillis = times.stageMillis().getOrDefault(Stage.PROCESS, 0L);
    return String.format(
        "scale: %s chunks %d files %d rows %d wall %.1f s process %.1f s = %.2f ms/chunk plan %.1f s merge %.1f s commit %.1f s; worker heap peak %d MB;%s",
        service, result.chunks(), files, result.counts().rows(), wallMillis / 1000.0,
        processMillis / 1000.0, (double) processMillis / Math.max(1, result.chunks()),
        times.stageMillis().getOrDefault(Stage.PLAN, 0L) / 1000.0,
        times.stageMillis().getOrDefault(Stage.MERGE, 0L) / 1000.0,
        times.stageMillis().getOrDefault(Stage.COMMIT, 0L) / 1000.0,
        heap >> 20, stages);
  }

  /** Runs {@link ReferenceJob} over the same inputs and compares both outputs byte for byte. */
  private static String compare(Path output, List<String> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String input : inputs) {
      Path p = Path.of(input);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          files.addAll(s.filter(Files::isRegularFile).sorted().toList());
        }
      } else {
        files.add(p);
      }
    }
    Path reference = output.resolveSibling(output.getFileName() + ".reference");
    new ReferenceJob(ReferenceJob.DEFAULT_RATES).run(files, reference);
    for (String name : List.of("settlement.csv", "rejects.jsonl")) {
      if (!Arrays.equals(Files.readAllBytes(output.resolve(name)), Files.readAllBytes(reference.resolve(name)))) {
        return "DIFFER (" + name + ")";
      }
    }
    return "identical to the reference";
  }
}
