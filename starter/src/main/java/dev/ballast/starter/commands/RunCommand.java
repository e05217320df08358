package dev.ballast.starter.commands;

import com.google.inject.Guice;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFollower;
import dev.ballast.starter.JobSpecOptions;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.PipelineRunner;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.WebUiOption;
import dev.ballast.ui.UiOptions;
import dev.ballast.ui.UiServer;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import dev.ballast.worker.WorkflowWarmUp;
import dev.ballast.worker.codec.CodecKeys;
import dev.ballast.worker.observe.HealthServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast run}: start a job and follow it to the end. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a job and follows it with a live progress line until it ends, then prints a summary"
          + " (counts, published files, elapsed time).",
      "Without --address or TEMPORAL_ADDRESS it runs on the embedded default: a Temporal service and"
          + " a worker inside this process, shut down when the job ends (Ctrl-C cancels the job"
          + " first). Exits 0 when the job completed, else with the reason (see `ballast --help`).",
      "There it also serves the Temporal Web UI (--ui-port) and prints the job's link; the UI stops"
          + " with the job unless --keep-ui keeps it up until Ctrl-C."
    })
public class RunCommand extends BaseCommand {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin TemporalOptions temporal;
  @Mixin JobSpecOptions job;
  @Mixin WebUiOption webUi;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description =
          "On the embedded default, serve the in-process worker's /metrics, /healthz and /readyz on"
              + " this loopback port (off unless given; 0 picks a free port).")
  Integer metricsPort;

  @Option(
      names = "--keep-ui",
      description =
          "On the embedded default, keep the embedded Temporal service and its Web UI up after the"
              + " job ends, until Ctrl-C (the exit code is still the job's). Without it both stop"
              + " with the job.")
  boolean keepUi;

  @Override
  protected int execute() throws Exception {
    if (temporal.address(env()) == null) {
      // Embedded: warm the workflow code up while the spec is read and the service and worker start.
      WorkflowWarmUp.startInBackground();
    }
    PipelineSpec pipeline = job.pipeline(cwd());
    if (pipeline != null) {
      return new PipelineRunner(out(), err(), terminal(), job.rerun()).run(pipeline, temporal, env());
    }
    String address = temporal.address(env());
    String namespace = temporal.namespace(env());
    if (address != null) {
      JobSpec spec = job.build(cwd(), env(), false);
      try (JobConnection connection = JobConnection.open(temporal, env(), "run")) {
        Jobs.start(connection.client(), spec, job.rerun());
        out().println("started job " + spec.id() + " on " + address);
        out().flush();
        return JobFollower.follow(connection.client(), spec.id(), out(), err(), terminal());
      }
    }
    // Embedded: the service and the worker start on a thread of their own while this one reads and
    // checks the spec (neither depends on the other); a spec refused stops them again before any job
    // was started.
    CodecKeys codecKeys = temporal.connection(env()).codecKeys();
    CompletableFuture<Embedded> embedded =
        inBackground("ballast-embedded-start", () -> Embedded.start(namespace, codecKeys, metricsPort));
    JobSpec spec;
    try {
      spec = job.build(cwd(), env(), true);
    } catch (RuntimeException | Error e) {
      Embedded started = joinQuietly(embedded);
      if (started != null) {
        started.close(false); // no job was started: nothing to drain
      }
      throw e;
    }
    Embedded started;
    try {
      started = embedded.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
    return runEmbedded(spec, namespace, codecKeys, started);
  }

  /** The embedded service and the in-process worker polling it, started. */
  private record Embedded(EmbeddedTemporal service, WorkerService worker, HealthServer health) {
    static Embedded start(String namespace, CodecKeys codecKeys, Integer metricsPort) {
      EmbeddedTemporal service = EmbeddedTemporal.start(0);
      WorkerService worker = null;
      HealthServer health = null;
      try {
        WorkerSettings settings =
            WorkerSettings.defaults(service.address()).withNamespace(namespace);
        settings =
            new WorkerSettings(
                settings.address(), settings.namespace(), settings.queues(), settings.chunkSlots(),
                settings.sticky(), settings.identity(), Duration.ofSeconds(10));
        // In-process and plaintext, but payloads are still encrypted when keys are configured.
        ConnectionSettings connection =
            ConnectionSettings.plain(service.address(), namespace).withCodecKeys(codecKeys);
        worker =
            Guice.createInjector(new WorkerModule(settings, connection))
                .getInstance(WorkerService.class);
        // In process: no sockets between the worker and the service, and sticky execution on.
        worker.useInProcessChannel(service.inProcessChannel());
        if (metricsPort != null) {
          health = HealthServer.forWorker(worker, EmbeddedTemporal.LOOPBACK, metricsPort);
        }
        worker.start();
        return new Embedded(service, worker, health);
      } catch (RuntimeException | Error e) {
        new Embedded(service, worker, health).close(false);
        throw e;
      }
    }

    /**
     * Stops the worker ({@code drain}: after the activities it runs have finished), the endpoints
     * and the service.
     */
    void close(boolean drain) {
      if (worker != null) {
        if (drain) {
          worker.stop();
        } else {
          worker.stopWithoutDrain();
        }
      }
      if (health != null) {
        health.close();
      }
      service.close();
    }
  }

  private int runEmbedded(JobSpec spec, String namespace, CodecKeys codecKeys, Embedded embedded) {
    EmbeddedTemporal service = embedded.service();
    HealthServer health = embedded.health();
    UiServer ui = null;
    CompletableFuture<UiServer> uiStart = null;
    AtomicBoolean finished = new AtomicBoolean();
    AtomicBoolean started = new AtomicBoolean();
    // Whether the job's workflow has closed: its worker then has nothing left to drain.
    boolean jobClosed = false;
    // The job's exit code while --keep-ui holds the UI up: Ctrl-C then exits with it.
    AtomicInteger keptCode = new AtomicInteger(-1);
    Thread hook = null;
    try {
      if (health != null) {
        err().println("metrics on http://" + EmbeddedTemporal.LOOPBACK + ":" + health.port() + HealthServer.METRICS);
        err().flush();
      }
      // The Web UI starts on a thread of its own while the job is started (it never fails the run:
      // a UI that cannot start is a warning).
      uiStart = inBackground("ballast-ui-start", () -> webUi.start(
          service.address(), namespace, UiOptions.LOOPBACK, service::pollers, codecKeys, err()));
      WorkflowClient client = embedded.worker().client();
      CompletableFuture<UiServer> shownUi = uiStart;
      hook =
          new Thread(
              () -> {
                boolean cancelled = started.get() && !finished.get();
                if (cancelled) {
                  cancelAndWait(client, spec.id());
                }
                UiServer startedUi = shownUi.join();
                if (startedUi != null) {
                  startedUi.close();
                }
                embedded.close(true);
                if (cancelled) {
                  Runtime.getRuntime().halt(ExitCodes.JOB_CANCELLED);
                } else if (keptCode.get() >= 0) {
                  Runtime.getRuntime().halt(keptCode.get());
                }
              },
              "ballast-run-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      // The embedded service has no search-attribute API: asking would cost a call on the way to
      // the job's start (10-50 ms in a fresh JVM) for a known answer.
      Jobs.start(client, spec, job.rerun(), false);
      started.set(true);
      ui = uiStart.join();
      out().println("started job " + spec.id() + " on the embedded Temporal service");
      if (ui != null) {
        out().println("watch it in the Temporal Web UI: " + ui.workflowUrl(spec.id())
            + (keepUi
                ? " (stays up after the job until Ctrl-C)"
                : " (stops with the job; --keep-ui keeps it up)"));
      }
      out().flush();
      int code = JobFollower.follow(client, spec.id(), out(), err(), terminal());
      jobClosed = true;
      finished.set(true);
      if (keepUi && ui != null) {
        keptCode.set(code);
        out().println("job " + spec.id() + " ended; the Temporal Web UI stays up at " + ui.workflowUrl(spec.id())
            + " until Ctrl-C");
        out().flush();
        try {
          new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook exits with the job's code
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return code;
    } finally {
      finished.set(true);
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it stops the worker and the service
        }
      }
      if (ui == null && uiStart != null) {
        ui = uiStart.join(); // the run ended before the UI was shown: it still has to stop
      }
      if (ui != null) {
        ui.close();
      }
      // A job still open may have activities running: the worker drains them before it stops.
      embedded.close(!jobClosed);
    }
  }

  private static <T> T joinQuietly(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | CancellationException e) {
      return null;
    }
  }

  private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> task) {
    return CompletableFuture.supplyAsync(task, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      thread.start();
    });
  }

  private void cancelAndWait(WorkflowClient client, String id) {
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(id);
      stub.cancel();
      err().println();
      err().println("cancelling job " + id + "...");
      err().flush();
      stub.getResultAsync(Object.class).handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("could not cancel job {} cleanly: {}", id, e.toString());
    }
  }
}
