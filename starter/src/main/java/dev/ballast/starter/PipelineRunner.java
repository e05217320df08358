package dev.ballast.starter;

import com.google.inject.Guice;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkflowWarmUp;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Runs a pipeline spec for {@code ballast run}: starts a pipeline workflow (on the given
 * address, or on an embedded service with an in-process worker) and follows it like {@code ballast
 * watch} does ({@link PipelineFollower}): each stage's job with its progress and summary, then
 * each stage's counts and published files. Started again with the same id after a failure,
 * the pipeline skips the stages whose result is intact.
 */
public final class PipelineRunner {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private final boolean rerun;

  public PipelineRunner(PrintWriter out, PrintWriter err) {
    this(out, err, false, false);
  }

  /**
   * @param terminal whether output goes to a terminal (progress bars rewritten in place)
   * @param rerun whether a completed pipeline's id may be reused
   */
  public PipelineRunner(PrintWriter out, PrintWriter err, boolean terminal, boolean rerun) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.rerun = rerun;
  }

  /**
   * Runs {@code spec} on the configured Temporal address (with its TLS, API key and payload
   * encryption settings), or embedded when there is none; returns the exit code.
   */
  public int run(PipelineSpec spec, TemporalOptions temporal, Map<String, String> env)
      throws Exception {
    String address = temporal.address(env);
    String namespace = temporal.namespace(env);
    if (address != null) {
      try (JobConnection connection = JobConnection.open(temporal, env, "run")) {
        return startAndFollow(connection.client(), spec, address);
      }
    }
    // Overlap the workflow warm-up with the service's and the worker's start (once per JVM).
    WorkflowWarmUp.startInBackground();
    try (EmbeddedTemporal service = EmbeddedTemporal.start(0)) {
      WorkerSettings settings =
          WorkerSettings.defaults(service.address()).withNamespace(namespace);
      // In-process and plaintext, but payloads are still encrypted when keys are configured.
      ConnectionSettings connection =
          ConnectionSettings.plain(service.address(), namespace)
              .withCodecKeys(temporal.connection(env).codecKeys());
      WorkerService worker =
          Guice.createInjector(new WorkerModule(settings, connection))
              .getInstance(WorkerService.class);
      // In process: no sockets between the worker and the service, and sticky execution on.
      worker.useInProcessChannel(service.inProcessChannel());
      worker.start();
      boolean pipelineClosed = false;
      try {
        int code = startAndFollow(worker.client(), spec, "the embedded Temporal service");
        pipelineClosed = true;
        return code;
      } finally {
        if (pipelineClosed) {
          worker.stopWithoutDrain(); // nothing left to drain: the pipeline's workflows have closed
        } else {
          worker.stop();
        }
      }
    }
  }

  private int startAndFollow(WorkflowClient client, PipelineSpec spec, String where) {
    String id = Pipelines.start(client, spec, rerun);
    out.println("started pipeline " + id + " (" + spec.stages().size() + " stages) on " + where);
    out.flush();
    return PipelineFollower.follow(client, id, out, err, terminal);
  }
}
