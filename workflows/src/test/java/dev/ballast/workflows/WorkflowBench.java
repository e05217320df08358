package dev.ballast.workflows;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.AlertActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.Tolerance;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Workers on a test environment (from {@code TestWorkflowExtension}, real time): every Ballast
 * workflow on the jobs queue with mocked plan/merge/commit activities, and a {@link
 * FakeChunkActivities} on the chunks queue.
 */
final class WorkflowBench {
  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final PlanActivities plan = mock(PlanActivities.class, withSettings().withoutAnnotations());
  final MergeActivities merge = mock(MergeActivities.class, withSettings().withoutAnnotations());
  final CommitActivities commit = mock(CommitActivities.class, withSettings().withoutAnnotations());
  final AlertActivities alerts = mock(AlertActivities.class, withSettings().withoutAnnotations());

  WorkflowBench(TestWorkflowEnvironment env) {
    this.env = env;
    client = env.getWorkflowClient();
    when(plan.chunks(any())).thenAnswer(i -> Fixtures.page(i.getArgument(0)));
    when(merge.merge(any())).thenAnswer(i -> Fixtures.merged(i.getArgument(0)));
    when(commit.commit(any())).thenAnswer(i -> Fixtures.committed(i.getArgument(0)));
  }

  void start(FakeChunkActivities chunks) {
    start(chunks, TaskQueues.CHUNKS);
  }

  /** Starts the workers, the chunk worker polling {@code chunkQueue}. */
  void start(FakeChunkActivities chunks, String chunkQueue) {
    doAnswer(
            i -> {
              chunks.stopRequested = true;
              return null;
            })
        .when(commit)
        .stopChunks(any());
    Worker jobs = env.newWorker(TaskQueues.JOBS);
    jobs.registerWorkflowImplementationTypes(
        JobWorkflowImpl.class, PlanWorkflowImpl.class, ProcessWorkflowImpl.class,
        MergeWorkflowImpl.class, CommitWorkflowImpl.class);
    jobs.registerActivitiesImplementations(plan, merge, commit, alerts);
    Worker chunkWorker =
        env.newWorker(
            chunkQueue,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200))
                .build());
    chunkWorker.registerActivitiesImplementations(chunks);
    env.start();
  }

  /** Starts the workers with {@code chunks} (any implementation of the chunk activity) on the chunks queue. */
  void startWithChunks(Object chunks) {
    Worker jobs = env.newWorker(TaskQueues.JOBS);
    jobs.registerWorkflowImplementationTypes(
        JobWorkflowImpl.class, PlanWorkflowImpl.class, ProcessWorkflowImpl.class,
        MergeWorkflowImpl.class, CommitWorkflowImpl.class);
    jobs.registerActivitiesImplementations(plan, merge, commit, alerts);
    env.newWorker(TaskQueues.CHUNKS).registerActivitiesImplementations(chunks);
    env.start();
  }

  /** A spec whose chunk activities heartbeat often and are not retried. */
  static JobSpec spec(String id, Tolerance tolerance, Integer historyEventLimit) {
    JobSpec base = Fixtures.spec(id, tolerance, historyEventLimit);
    StagePolicy fast =
        new StagePolicy(
            new RetrySpec(null, null, null, 1, null),
            new TimeoutSpec(null, Duration.ofSeconds(2), null, null));
    return new JobSpec(
        base.id(), base.type(), base.inputs(), base.output(), base.parameters(),
        base.chunkBytes(), base.maxInFlight(), base.tolerance(), Map.of("process", fast),
        base.keepBackups(), base.historyEventLimit());
  }

  /** A stub that starts job {@code id}. */
  JobWorkflow newJob(String id) {
    return client.newWorkflowStub(
        JobWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.JOBS).build());
  }

  /** A stub of the started job {@code id}. */
  JobWorkflow job(String id) {
    return client.newWorkflowStub(JobWorkflow.class, id);
  }
}
