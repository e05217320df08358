package dev.ballast.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.api.TaskQueues;
import dev.ballast.api.activity.PipelineActivities;
import dev.ballast.api.model.Alerts;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineProgress.State;
import dev.ballast.api.model.PipelineResult;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.PublishedQuery;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.PipelineWorkflow;
import dev.ballast.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline workflow against a fake stage job and a fake published-result check: the stages
 * its {@code pipelineProgress} query reports, and the histories the replay tests keep.
 */
@Timeout(60)
class PipelineWorkflowImplTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setUseTimeskipping(false).setDoNotStart(true).build();

  /** A stage job that completes with one published file, or fails when its type is {@code bad}. */
  public static class FakeJob implements JobWorkflow {
    /** The specs the stage jobs were started with, in order. */
    static final List<JobSpec> started = new CopyOnWriteArrayList<>();

    @Override
    public JobResult run(JobSpec spec) {
      started.add(spec);
      if ("bad".equals(spec.type())) {
        throw ApplicationFailure.newNonRetryableFailure("input lacks column 'x'", "BAD_HEADER");
      }
      return result(spec.id(), spec.output());
    }

    @Override
    public JobProgress progress() {
      return null;
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void reportProgress(ProcessProgress progress) {}
  }

  static JobResult result(String jobId, String output) {
    return new JobResult(jobId, output, new Counts(1, 1, 0, 0), List.of(new OutputFile("out.csv", 1, "00")),
        null, null, null, 1, 0, 0, List.of());
  }

  /** A stage's result counts as published (and intact) when its output directory's name says so. */
  public static class FakePublished implements PipelineActivities {
    @Override
    public JobResult published(PublishedQuery query) {
      return query.outputDir().endsWith("-intact") ? result(query.jobId(), query.outputDir()) : null;
    }
  }

  /** A stage; only the first has inputs, the others read what the stage before published. */
  private static JobSpec stage(String type, String output, boolean first) {
    return new JobSpec(null, type, first ? List.of("in.csv") : null, output, null, null, null,
        null, null, null, null);
  }

  private static PipelineWorkflow start(TestWorkflowEnvironment env, PipelineSpec spec) {
    Worker worker = env.newWorker(TaskQueues.JOBS);
    worker.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class, FakeJob.class);
    worker.registerActivitiesImplementations(new FakePublished());
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    PipelineWorkflow pipeline = client.newWorkflowStub(PipelineWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(spec.id()).setTaskQueue(TaskQueues.JOBS).build());
    WorkflowClient.start(pipeline::run, spec);
    return pipeline;
  }

  private static List<State> states(PipelineProgress p) {
    return p.stages().stream().map(PipelineProgress.StageProgress::state).toList();
  }

  private static void recordIfAsked(TestWorkflowEnvironment env, String id) throws IOException {
    if (Boolean.getBoolean(HistoryRecorder.PROPERTY)) {
      HistoryRecorder.recordPipeline(env.getWorkflowClient(), id);
    }
  }

  @Test
  void aFailedStageIsReportedFailedAndTheStagesAfterItPending(TestWorkflowEnvironment env) throws Exception {
    PipelineSpec spec = new PipelineSpec("pipe-fail", List.of(
        stage("settlement", "out/one", true), stage("bad", "out/two", false), stage("load", "out/three", false)));
    PipelineWorkflow pipeline = start(env, spec);
    assertThrows(WorkflowFailedException.class,
        () -> io.temporal.client.WorkflowStub.fromTyped(pipeline).getResult(PipelineResult.class));
    recordIfAsked(env, "pipe-fail");

    PipelineProgress p = pipeline.pipelineProgress();
    assertEquals(List.of(State.COMPLETED, State.FAILED, State.PENDING), states(p));
    assertEquals(1, p.current());
    assertEquals("pipe-fail.2-bad", p.stages().get(1).jobId());
    assertNotNull(p.stages().get(0).runId());
    assertNotNull(p.stages().get(1).runId(), "the failed stage's job had started");
    assertNull(p.stages().get(2).runId());
  }

  @Test
  void anIntactStageIsSkippedAndTheNextOneRuns(TestWorkflowEnvironment env) throws Exception {
    PipelineSpec spec = new PipelineSpec("pipe-skip", List.of(
        stage("settlement", "out/one-intact", true), stage("load", "out/two", false)));
    PipelineWorkflow pipeline = start(env, spec);
    PipelineResult result = io.temporal.client.WorkflowStub.fromTyped(pipeline).getResult(PipelineResult.class);
    recordIfAsked(env, "pipe-skip");

    assertEquals(List.of(0), result.skippedStages());
    PipelineProgress p = pipeline.pipelineProgress();
    assertEquals(List.of(State.SKIPPED_INTACT, State.COMPLETED), states(p));
    assertEquals(-1, p.current(), "no stage is current once the pipeline completed");
    assertNull(p.stages().get(0).runId());
    assertEquals(env.getWorkflowClient().newUntypedWorkflowStub("pipe-skip.2-load").describe().getExecution().getRunId(),
        p.stages().get(1).runId());
    assertNull(pipeline.currentJob());
  }

  @Test
  void aStageReadingThePreviousOutputKeepsItsOwnSettings(TestWorkflowEnvironment env) throws Exception {
    FakeJob.started.clear();
    Alerts alerts = new Alerts(List.of("http://127.0.0.1:9/hook"), true);
    JobSpec second = new JobSpec(null, "load", null, "out/load", null, 1024L, 2, null, null, 3, 500, alerts);
    PipelineSpec spec = new PipelineSpec("pipe-alerts", List.of(stage("settlement", "out/one", true), second));
    PipelineWorkflow pipeline = start(env, spec);
    io.temporal.client.WorkflowStub.fromTyped(pipeline).getResult(PipelineResult.class);

    assertEquals(2, FakeJob.started.size());
    JobSpec got = FakeJob.started.get(1);
    assertEquals(List.of("out/one/out.csv"), got.inputs(), "reads what stage 1 published");
    assertEquals(new JobSpec("pipe-alerts.2-load", "load", got.inputs(), "out/load", null, 1024L, 2, null, null, 3, 500,
        alerts), got);
  }
}
