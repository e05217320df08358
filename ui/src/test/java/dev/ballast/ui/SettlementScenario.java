package dev.ballast.ui;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.job.policy.Stage;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two settlement jobs on one Temporal service, run by a real Ballast worker in this JVM: {@link
 * #DONE} ran to the end; {@link #RUNNING} is in its process stage with two chunks pending
 * (held by {@link GatedChunkActivities}, heartbeating their checkpoints). The oracle methods read
 * the same facts over gRPC that the Web UI must show.
 */
final class SettlementScenario implements AutoCloseable {
  static final String DONE = "done-job";
  static final String RUNNING = "running-job";
  static final String WORKER_IDENTITY = "ballast-ui-test-worker";
  static final int ROWS = 50_000;

  final WorkerService worker;
  final GatedChunkActivities chunks;
  final WorkflowClient client;
  final JobResult doneResult;

  /**
   * Starts the worker and both jobs on {@code address}; {@code searchAttributes}: start them with
   * Ballast's search attributes (registered on the service), as {@code ballast start} does.
   */
  SettlementScenario(String address, Path temp, boolean searchAttributes) throws Exception {
    WorkerSettings d = WorkerSettings.defaults(address);
    WorkerSettings settings =
        new WorkerSettings(d.address(), d.namespace(), d.queues(), 2, d.sticky(), WORKER_IDENTITY, d.drainTimeout());
    Injector injector =
        Guice.createInjector(
            Modules.override(new WorkerModule(settings))
                .with(
                    binder -> {
                      binder.bind(GatedChunkActivities.class).in(Singleton.class);
                      binder.bind(ChunkActivitiesImpl.class).to(GatedChunkActivities.class);
                    }));
    chunks = injector.getInstance(GatedChunkActivities.class);
    chunks.holdOnly(RUNNING);
    worker = injector.getInstance(WorkerService.class);
    worker.start();
    client = worker.client();
    Path input = temp.resolve("transactions.csv");
    SampleGenerator.write(input, ROWS, 3);
    JobWorkflow done = start(DONE, input, temp.resolve("out-done"), searchAttributes);
    doneResult = WorkflowStub.fromTyped(done).getResult(90, TimeUnit.SECONDS, JobResult.class);
    start(RUNNING, input, temp.resolve("out-running"), searchAttributes);
    awaitPendingChunks(JobWorkflow.stageId(RUNNING, Stage.PROCESS), 2, Duration.ofSeconds(60));
  }

  private JobWorkflow start(String id, Path input, Path output, boolean searchAttributes) {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(TaskQueues.JOBS)
            .setStaticSummary("settlement: transactions.csv -> " + output.getFileName());
    if (searchAttributes) {
      options.setTypedSearchAttributes(
          SearchAttributes.newBuilder()
              .set(JobSearchAttributes.JOB_TYPE, "settlement")
              .set(JobSearchAttributes.STAGE, "PLAN")
              .set(JobSearchAttributes.PROGRESS, 0L)
              .build());
    }
    JobWorkflow job = client.newWorkflowStub(JobWorkflow.class, options.build());
    // 1 MiB chunks: the ~3.4 MB input makes 4 chunks, two of them held at once (2 chunk slots).
    WorkflowClient.start(
        job::run,
        new JobSpec(id, "settlement", List.of(input.toString()), output.toString(), Map.of(), 1L << 20, 2,
            null, null, 1, null));
    return job;
  }

  DescribeWorkflowExecutionResponse describe(String workflowId) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  private void awaitPendingChunks(String workflowId, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (describe(workflowId).getPendingActivitiesList().stream().filter(PendingActivityInfo::hasHeartbeatDetails).count()
            >= count) {
          return;
        }
      } catch (StatusRuntimeException notStartedYet) {
        // the stage's workflow does not exist yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(workflowId + " has no " + count + " heartbeating chunks after " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /** The heartbeat checkpoints (JSON) of the pending chunks of a process stage. */
  List<JsonObject> pendingCheckpoints(String workflowId) {
    List<JsonObject> checkpoints = new ArrayList<>();
    for (PendingActivityInfo a : describe(workflowId).getPendingActivitiesList()) {
      Payload p = a.getHeartbeatDetails().getPayloads(0);
      checkpoints.add(JsonParser.parseString(p.getData().toString(StandardCharsets.UTF_8)).getAsJsonObject());
    }
    return checkpoints;
  }

  /** The stage workflows (children) a job has started so far, by id. */
  List<String> stageWorkflows(String jobId) {
    List<String> ids = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      String id = JobWorkflow.stageId(jobId, stage);
      try {
        if (describe(id).getWorkflowExecutionInfo().getParentExecution().getWorkflowId().equals(jobId)) {
          ids.add(id);
        }
      } catch (StatusRuntimeException notStarted) {
        // not started yet
      }
    }
    return ids;
  }

  /** The job's answer to its {@code progress} query. */
  JobProgress progress(String jobId) {
    return client.newWorkflowStub(JobWorkflow.class, jobId).progress();
  }

  /** The workflow's current details ({@code Workflow.setCurrentDetails}), from the SDK's metadata query. */
  String currentDetails(String workflowId) {
    return client
        .newUntypedWorkflowStub(workflowId)
        .query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();
  }

  @Override
  public void close() {
    chunks.releaseAll();
    worker.stop();
  }
}
