package dev.ballast.starter;

import com.google.inject.Guice;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.workflow.PipelineWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkflowWarmUp;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a pipeline spec for {@code ballast run}: starts a {@link PipelineWorkflow} (on the given
 * address, or on an embedded service with an in-process worker), prints each stage as it starts,
 * then each stage's counts and published files. Started again with the same id after a failure,
 * the pipeline skips the stages whose result is intact.
 */
public final class PipelineRunner {
  private final PrintWriter out;
  private final PrintWriter err;

  public PipelineRunner(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
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
      try {
        return startAndFollow(worker.client(), spec, "the embedded Temporal service");
      } finally {
        worker.stop();
      }
    }
  }

  private int startAndFollow(WorkflowClient client, PipelineSpec spec, String where) throws Exception {
    String id = spec.id() != null ? spec.id() : Jobs.generateId("pipeline");
    PipelineSpec withId = new PipelineSpec(id, spec.stages());
    PipelineWorkflow pipeline = client.newWorkflowStub(
        PipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(TaskQueues.JOBS)
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setStaticSummary("pipeline of " + spec.stages().size() + " stages")
            .build());
    try {
      WorkflowClient.start(pipeline::run, withId);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND,
          "pipeline " + id + " already exists (running or completed); start it with another id", e);
    }
    out.println("started pipeline " + id + " (" + spec.stages().size() + " stages) on " + where);
    out.flush();
    WorkflowStub stub = WorkflowStub.fromTyped(pipeline);
    CompletableFuture<PipelineResult> result = stub.getResultAsync(PipelineResult.class);
    String shown = null;
    while (!result.isDone()) {
      try {
        String now = pipeline.currentJob();
        if (now != null && !Objects.equals(now, shown)) {
          out.println("  stage " + now);
          out.flush();
          shown = now;
        }
      } catch (RuntimeException queryFailed) {
        // the pipeline is finishing or its task is being retried: ask again
      }
      try {
        result.get(500, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // keep polling
      } catch (java.util.concurrent.ExecutionException failed) {
        break;
      }
    }
    PipelineResult done;
    try {
      done = result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      JobFailures why = JobFailures.explain(e.getCause());
      err.println(why.describe(id).replaceFirst("^job ", "pipeline "));
      err.println("fix the cause and run the same spec with --id " + id + ": finished stages are skipped");
      err.flush();
      return why.outcome().exitCode();
    }
    out.println("pipeline " + id + " completed");
    for (int i = 0; i < done.stages().size(); i++) {
      JobResult r = done.stages().get(i);
      out.printf("  %d. %s%s: rows %,d (accepted %,d, pending %,d, rejected %,d)%n", i + 1, r.jobId(),
          done.skippedStages().contains(i) ? " (skipped: published earlier)" : "",
          r.counts().rows(), r.counts().accepted(), r.counts().pending(), r.counts().rejected());
      for (OutputFile f : r.files()) {
        out.printf("       %s/%s  (%,d bytes)%n", r.outputDir(), f.name(), f.bytes());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
