package dev.ballast.worker;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.history.v1.History;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the workflow path of this JVM up before its first job needs it, by replaying the bundled
 * histories of one small job (the job workflow and its four stages, recorded by the workflows
 * module's tests as {@code histories/<stage>/job-2*.json} and bundled in protobuf's binary form,
 * which loads without a JSON parser) through Ballast's workflow code.
 *
 * <p>In a fresh JVM the first workflow tasks of a job pay for loading the SDK's replay machinery,
 * Jackson's handling of Ballast's api records and the workflow code itself: a few hundred
 * milliseconds during which no activity runs. A replay runs the same code in memory, on a private
 * worker that is never started: it talks to no Temporal service (a local stand-in answers the SDK's
 * one question, the service's capabilities), leaves no history and runs no activity. It runs once
 * per JVM on a background thread, so it never delays readiness; {@code ballast run} starts it
 * first thing, so that it overlaps reading the spec and starting the service and the worker.
 */
public final class WorkflowWarmUp {
  /** Workflow ids of the bundled histories, in replay order. */
  static final List<String> HISTORIES =
      List.of("job-2", "job-2/plan", "job-2/process", "job-2/merge", "job-2/commit");

  /** Where the bundled histories are, as class-path resources. */
  static final String FOLDER = "/dev/ballast/worker/warmup/";

  private static final Logger log = LoggerFactory.getLogger(WorkflowWarmUp.class);
  private static final AtomicBoolean started = new AtomicBoolean();

  private WorkflowWarmUp() {}

  /**
   * Starts the warm-up on a daemon thread, once per JVM (later calls do nothing) and returns at
   * once. Failures are logged, never thrown: they only make the first job slower.
   */
  public static void startInBackground() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(WorkflowWarmUp::run, "ballast-workflow-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run() {
    long start = System.nanoTime();
    try {
      int replayed = replayOnPrivateWorker();
      log.debug(
          "Warmed the workflow code up: replayed {} histories in {} ms",
          replayed, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception | LinkageError e) {
      // Only a slower first job: WorkflowWarmUpTest and the replay tests guard the histories.
      log.info("Workflow warm-up skipped: {}", e.toString());
    }
  }

  /**
   * Replays every bundled history on a private worker that is never started; returns how many.
   *
   * @throws Exception when a history does not replay (for example non-deterministic code)
   */
  static int replayOnPrivateWorker() throws Exception {
    String name = "ballast-warm-up-" + UUID.randomUUID();
    Server capabilities =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new Capabilities())
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setChannel(channel).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(stubs));
    try {
      Worker worker = factory.newWorker("ballast-warm-up");
      WorkerService.registerWorkflowTypes(worker);
      int replayed = 0;
      for (String workflowId : HISTORIES) {
        worker.replayWorkflowExecution(load(workflowId));
        replayed++;
      }
      return replayed;
    } finally {
      // Also ends the factory's workflow threads, which would otherwise keep the JVM alive.
      factory.shutdownNow();
      stubs.shutdownNow();
      channel.shutdownNow();
      capabilities.shutdownNow();
    }
  }

  /** The bundled history of {@code workflowId}. */
  static WorkflowExecutionHistory load(String workflowId) {
    String resource = FOLDER + fileName(workflowId);
    try (InputStream in = WorkflowWarmUp.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing warm-up history " + resource);
      }
      return new WorkflowExecutionHistory(History.parseFrom(in), workflowId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code job-2~plan.binpb} for {@code job-2/plan}. */
  static String fileName(String workflowId) {
    return workflowId.replace('/', '~') + ".binpb";
  }

  /** Answers the SDK's capabilities question; every other call is unimplemented. */
  private static final class Capabilities extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    @Override
    public void getSystemInfo(
        GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      response.onNext(
          GetSystemInfoResponse.newBuilder()
              .setCapabilities(GetSystemInfoResponse.Capabilities.newBuilder().setSdkMetadata(true))
              .build());
      response.onCompleted();
    }
  }
}
