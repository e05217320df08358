package dev.ballast.bench;

import com.google.inject.Guice;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.spec.SpecLoader;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkflowWarmUp;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one settlement job on the embedded default exactly as {@code ballast run} does (an
 * in-process Temporal service and one worker with its default settings, connected in process,
 * sticky execution on),
 * then reads the job's histories to report where the time went ({@link StageTimes}).
 *
 * <p>Usage: {@code BallastRun [--chunk-bytes N] [--max-in-flight K] [--history-limit N] [--jobs N]
 * OUTPUT_DIR INPUT...}. Without the options the job takes the spec defaults. Prints the result,
 * then a {@code stages:} line. {@code --jobs N} runs the same job N times in a row on the same
 * service and worker (a long-lived worker's view: the first job pays for the fresh JVM), each
 * but the last into {@code OUTPUT_DIR.K}, and prints a {@code stages:} line for each.
 */
public final class BallastRun {
  private static final Logger log = LoggerFactory.getLogger(BallastRun.class);

  /** What a run produced: the job's result and where its time went. */
  public record Outcome(JobResult result, StageTimes times) {}

  private BallastRun() {}

  public static void main(String[] args) {
    Long chunkBytes = null;
    Integer maxInFlight = null;
    Integer historyLimit = null;
    int jobs = 1;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--chunk-bytes" -> chunkBytes = Long.parseLong(args[++i]);
        case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[++i]);
        case "--history-limit" -> historyLimit = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        default -> rest.add(args[i]);
      }
    }
    if (rest.size() < 2) {
      System.err.println(
          "usage: BallastRun [--chunk-bytes N] [--max-in-flight K] [--history-limit N] [--jobs N] OUTPUT_DIR INPUT...");
      System.exit(2);
    }
    List<Outcome> outcomes =
        run(Path.of(rest.get(0)), rest.subList(1, rest.size()), chunkBytes, maxInFlight, historyLimit, jobs);
    for (int k = 0; k < outcomes.size() - 1; k++) {
      System.out.println("stages of job " + (k + 1) + " of " + outcomes.size() + ": " + outcomes.get(k).times().describe());
    }
    Outcome outcome = outcomes.get(outcomes.size() - 1);
    JobResult r = outcome.result();
    System.out.printf(
        "rows %d accepted %d skipped %d rejected %d chunks %d%n",
        r.counts().rows(), r.counts().accepted(), r.counts().skipped(), r.counts().rejected(), r.chunks());
    System.out.println("stages: " + outcome.times().describe());
    System.exit(0);
  }

  /** Runs a settlement job over {@code inputs} into {@code output}; null options take the defaults. */
  public static Outcome run(
      Path output, List<String> inputs, Long chunkBytes, Integer maxInFlight, Integer historyLimit) {
    return run(output, inputs, chunkBytes, maxInFlight, historyLimit, 1).get(0);
  }

  /**
   * Runs the job {@code jobs} times in a row on one service and worker, the last into {@code
   * output}, the others into {@code output.K}; returns their outcomes in order.
   */
  public static List<Outcome> run(
      Path output, List<String> inputs, Long chunkBytes, Integer maxInFlight, Integer historyLimit,
      int jobs) {
    // As `ballast run` does: warm the workflow code up while the spec is read and the service and
    // worker start.
    WorkflowWarmUp.startInBackground();
    List<JobSpec> specs = new ArrayList<>();
    for (int k = 1; k <= jobs; k++) {
      Path out = k == jobs ? output : output.resolveSibling(output.getFileName() + "." + k);
      JobSpec spec = spec(out, inputs, chunkBytes, maxInFlight, historyLimit);
      specs.add(jobs == 1 ? spec : spec.withId(spec.id() + "-" + k));
    }
    try (EmbeddedTemporal service = EmbeddedTemporal.start(0)) {
      WorkerSettings settings = WorkerSettings.defaults(service.address());
      settings =
          new WorkerSettings(
              settings.address(), settings.namespace(), settings.queues(), settings.chunkSlots(),
              settings.sticky(), settings.identity(), Duration.ofSeconds(10));
      WorkerService worker = Guice.createInjector(new WorkerModule(settings)).getInstance(WorkerService.class);
      worker.useInProcessChannel(service.inProcessChannel());
      worker.start();
      try {
        WorkflowClient client = worker.client();
        List<Outcome> outcomes = new ArrayList<>();
        for (JobSpec spec : specs) {
          Jobs.start(client, spec, false);
          log.info("started job {} ({} chunk slots)", spec.id(), settings.chunkSlots());
          JobResult result = client.newUntypedWorkflowStub(spec.id()).getResult(JobResult.class);
          outcomes.add(new Outcome(result, StageTimes.read(client, spec.id())));
        }
        return outcomes;
      } finally {
        worker.stop();
      }
    }
  }

  private static JobSpec spec(
      Path output, List<String> inputs, Long chunkBytes, Integer maxInFlight, Integer historyLimit) {
    Path cwd = Path.of("").toAbsolutePath();
    JobSpec spec =
        Jobs.withId(
            SpecLoader.build(
                null,
                new SpecLoader.Overrides(null, "settlement", inputs, output.toString(), chunkBytes, maxInFlight),
                cwd));
    if (historyLimit != null) {
      spec =
          new JobSpec(
              spec.id(), spec.type(), spec.inputs(), spec.output(), spec.parameters(), spec.chunkBytes(),
              spec.maxInFlight(), spec.tolerance(), spec.policies(), spec.keepBackups(), historyLimit);
    }
    return spec;
  }
}
