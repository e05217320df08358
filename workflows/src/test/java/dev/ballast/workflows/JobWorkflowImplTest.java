package dev.ballast.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.WorkflowRuns;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.Alerts;
import dev.ballast.api.model.ChunkPageRequest;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.DateTemplates;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.ProcessProgress;
import dev.ballast.api.model.ProcessRequest;
import dev.ballast.api.model.StopRequest;
import dev.ballast.api.model.Tolerance;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.ProcessWorkflow;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.workflows.replay.HistoryRecorder;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/**
 * The job workflow and its stages against mocked activities, in real time, on the test
 * environment of {@link TestWorkflowExtension}.
 */
@Timeout(60)
class JobWorkflowImplTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setUseTimeskipping(false).setDoNotStart(true).build();

  private WorkflowBench bench;
  private WorkflowClient client;
  private PlanActivities plan;
  private MergeActivities merge;
  private CommitActivities commit;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    bench = new WorkflowBench(env);
    client = bench.client;
    plan = bench.plan;
    merge = bench.merge;
    commit = bench.commit;
  }

  private void startWorkers(FakeChunkActivities chunks) {
    bench.start(chunks);
  }

  private static JobSpec spec(String id, Tolerance tolerance, Integer historyEventLimit) {
    return WorkflowBench.spec(id, tolerance, historyEventLimit);
  }

  private JobWorkflow stub(String id) {
    return bench.newJob(id);
  }

  /**
   * Starts job {@code id} over {@code chunkCount} chunks whose activities hold until {@code
   * chunks.release} is counted down, and returns once three of them run.
   */
  private JobWorkflow startWithThreeHeld(String id, int chunkCount, FakeChunkActivities chunks)
      throws InterruptedException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(chunkCount));
    chunks.release = new CountDownLatch(1);
    startWorkers(chunks);
    JobWorkflow job = stub(id);
    WorkflowClient.start(job::run, spec(id, null, null));
    assertTrue(chunks.started.await(20, TimeUnit.SECONDS), "three chunks in flight");
    return job;
  }

  /** Records the finished job's histories for the replay tests when asked to. */
  private void recordIfAsked(String jobId) throws IOException {
    if (Boolean.getBoolean(HistoryRecorder.PROPERTY)) {
      HistoryRecorder.record(client, jobId);
    }
  }

  private JobProgress awaitProgress(JobWorkflow job, Predicate<JobProgress> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JobProgress last = null;
    while (System.nanoTime() < deadline) {
      last = job.progress();
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("condition not reached; last progress: " + last);
  }

  @Test
  void theProcessStageEndsWithoutALastProgressSignal() throws IOException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(3));
    startWorkers(new FakeChunkActivities(0));

    JobResult result = stub("job-2").run(spec("job-2", null, null));
    recordIfAsked("job-2");

    // The job still has the final counts: they come with the stage's result.
    assertEquals(Fixtures.total(3), result.counts());
    assertEquals(Fixtures.total(3), bench.job("job-2").progress().counts());
    List<io.temporal.api.history.v1.HistoryEvent> events =
        client.fetchHistory(JobWorkflow.stageId("job-2", dev.ballast.job.policy.Stage.PROCESS)).getEvents();
    int lastChunk = -1;
    int lastSignal = -1;
    boolean marker = false;
    for (int i = 0; i < events.size(); i++) {
      switch (events.get(i).getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> lastChunk = i;
        case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED -> lastSignal = i;
        case EVENT_TYPE_MARKER_RECORDED -> marker = true;
        default -> { }
      }
    }
    assertTrue(lastChunk > 0, "chunks ran");
    assertTrue(lastSignal < lastChunk, "no progress signal after the last chunk finished");
    assertTrue(marker, "the change is recorded as a version marker");
  }

  @Test
  void theProcessStageClosesOnlyAfterItsLastProgressSignalIsDelivered() throws Exception {
    FakeChunkActivities chunks = new FakeChunkActivities(3);
    JobWorkflow job = startWithThreeHeld("job-sig", 3, chunks);
    String stage = JobWorkflow.stageId("job-sig", dev.ballast.job.policy.Stage.PROCESS);

    // Hold the chunks until the stage's report interval (2 s of workflow time since it started,
    // or since its last signal) has passed, then let all three finish at once: the first to
    // finish sends a report, and the last ends the stage while that signal may be on its way.
    long lastSignal = 0;
    for (var event : client.fetchHistory(stage).getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
          || event.getEventType() == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED) {
        lastSignal = event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
      }
    }
    long wait = lastSignal + 2_100 - System.currentTimeMillis();
    assertTrue(wait < 5_000, "the last signal is recent: " + wait + " ms to wait");
    Thread.sleep(Math.max(0, wait));
    chunks.release.countDown();
    assertEquals(Fixtures.total(3), WorkflowStub.fromTyped(job).getResult(JobResult.class).counts());
    recordIfAsked("job-sig");

    // Every signal the stage sent was delivered (or failed) before the stage closed, and no workflow
    // task failed on the way: a stage completing with a signal in flight has its completion
    // refused when the delivery lands meanwhile (UNHANDLED_COMMAND) and, when it lands after,
    // makes the embedded service log an error.
    int inFlight = 0;
    int sent = 0;
    for (var event : client.fetchHistory(stage).getEvents()) {
      switch (event.getEventType()) {
        case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED -> { inFlight++; sent++; }
        case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED -> inFlight--;
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ->
            assertEquals(0, inFlight, "signals still in flight when the stage completed");
        case EVENT_TYPE_WORKFLOW_TASK_FAILED ->
            throw new AssertionError("a workflow task failed: " + event.getWorkflowTaskFailedEventAttributes());
        default -> { }
      }
    }
    assertTrue(sent >= 1, "a report was sent when the held chunks finished");
  }

  @Test
  void runsEveryStageAndEveryChunkOnceWithinTheWindow() throws IOException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(7));
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    startWorkers(chunks);

    JobResult result = stub("job-1").run(spec("job-1", null, null));
    recordIfAsked("job-1");

    assertEquals(Fixtures.total(7), result.counts());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), chunks.calls.stream().sorted().toList());
    assertTrue(chunks.maxConcurrent.get() <= 3, "at most maxInFlight chunks at once");
    assertEquals(7, result.chunks());
    assertEquals("/data/out", result.outputDir());

    ArgumentCaptor<MergeRequest> mergeRequest = ArgumentCaptor.forClass(MergeRequest.class);
    verify(merge).merge(mergeRequest.capture());
    assertEquals(Fixtures.total(7), mergeRequest.getValue().counts());
    assertEquals(Fixtures.STAGING, mergeRequest.getValue().stagingDir());
    // The staged plan travels as its reference, never as lists.
    assertEquals(Fixtures.plan(7).staged(), mergeRequest.getValue().plan());
    assertNull(mergeRequest.getValue().chunks());
    ArgumentCaptor<CommitRequest> commitRequest = ArgumentCaptor.forClass(CommitRequest.class);
    verify(commit).commit(commitRequest.capture());
    assertEquals(2, commitRequest.getValue().keepBackups());
    assertEquals(Fixtures.plan(7).staged(), commitRequest.getValue().plan());
    assertNull(commitRequest.getValue().inputs());
    verify(commit, never()).discard(any());

    JobProgress done = bench.job("job-1").progress();
    assertEquals("DONE", done.stage());
    assertEquals(7, done.chunksDone());
  }

  @Test
  void tellsTheWebhooksOfASuccessWhenAskedAndKeepsSearchAttributesCurrent() throws IOException {
    bench.env.registerSearchAttribute(
        JobSearchAttributes.JOB_TYPE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    bench.env.registerSearchAttribute(
        JobSearchAttributes.STAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    bench.env.registerSearchAttribute(
        JobSearchAttributes.PROGRESS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    when(plan.plan(any())).thenReturn(Fixtures.plan(5));
    startWorkers(new FakeChunkActivities(0));

    JobSpec spec =
        spec("job-obs", null, null)
            .withAlerts(new Alerts(List.of("http://hooks.example/a", "http://hooks.example/b"), true));
    JobWorkflow job =
        client.newWorkflowStub(
            JobWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("job-obs")
                .setTaskQueue(TaskQueues.JOBS)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(JobSearchAttributes.JOB_TYPE, "settlement")
                        .set(JobSearchAttributes.STAGE, "PLAN")
                        .set(JobSearchAttributes.PROGRESS, 0L)
                        .build())
                .build());
    job.run(spec);
    recordIfAsked("job-obs");

    ArgumentCaptor<AlertRequest> sent = ArgumentCaptor.forClass(AlertRequest.class);
    verify(bench.alerts, times(2)).sendAlert(sent.capture());
    assertEquals(
        List.of("http://hooks.example/a", "http://hooks.example/b"),
        sent.getAllValues().stream().map(AlertRequest::webhook).sorted().toList());
    AlertRequest first = sent.getAllValues().get(0);
    assertEquals(AlertRequest.COMPLETED, first.event());
    assertEquals("DONE", first.stage());
    assertEquals(Fixtures.total(5), first.counts());

    SearchAttributes attributes =
        client.newUntypedWorkflowStub("job-obs").describe().getTypedSearchAttributes();
    assertEquals("settlement", attributes.get(JobSearchAttributes.JOB_TYPE));
    assertEquals("DONE", attributes.get(JobSearchAttributes.STAGE));
    assertEquals(100L, attributes.get(JobSearchAttributes.PROGRESS));
  }

  @Test
  void aScheduledRunRendersItsDatesFromItsNominalTimeInTheSchedulesZone() throws IOException {
    bench.env.registerSearchAttribute(
        DateTemplates.SCHEDULED_START_TIME, IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    when(plan.plan(any())).thenReturn(Fixtures.plan(2));
    startWorkers(new FakeChunkActivities(0));
    // As a schedule starts it: workflow id = schedule id + nominal time, the nominal time as a
    // search attribute, the zone in the memo. 01:00Z is 02:00 in Paris: {date} is 2026-12-05.
    String id = "job-sched";
    JobSpec spec =
        new JobSpec(
            "nightly", "settlement", List.of("/data/in/{date-1}.csv"), "/data/out/{date}",
            Map.of("asOf", "{date}"), 1000L, 3, null, null, 2, null);
    JobWorkflow job =
        client.newWorkflowStub(
            JobWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.JOBS)
                .setMemo(Map.of(DateTemplates.MEMO_SCHEDULE, "nightly", DateTemplates.MEMO_TIMEZONE, "Europe/Paris"))
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(
                            SearchAttributeKey.forOffsetDateTime(DateTemplates.SCHEDULED_START_TIME),
                            OffsetDateTime.parse("2026-12-05T01:00:00Z"))
                        .build())
                .build());
    JobResult result = job.run(spec);
    recordIfAsked(id);

    ArgumentCaptor<JobSpec> planned = ArgumentCaptor.forClass(JobSpec.class);
    verify(plan).plan(planned.capture());
    assertEquals(id, planned.getValue().id(), "the staging area follows the run's own id");
    assertEquals(List.of("/data/in/2026-12-04.csv"), planned.getValue().inputs());
    assertEquals("/data/out/2026-12-05", planned.getValue().output());
    assertEquals("2026-12-05", planned.getValue().parameters().get("asOf"));
    assertEquals(id, result.jobId());
  }

  @Test
  void aPassedDeadlineAlertsOnceAndTheJobStillCompletes() throws IOException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(3));
    startWorkers(new FakeChunkActivities(0));
    JobSpec spec =
        spec("job-deadline", null, null)
            .withAlerts(new Alerts(List.of("http://hooks.example/a"), false))
            .withDeadline("0s");
    JobResult result = stub("job-deadline").run(spec);
    recordIfAsked("job-deadline");

    assertEquals(Fixtures.total(3), result.counts());
    ArgumentCaptor<AlertRequest> sent = ArgumentCaptor.forClass(AlertRequest.class);
    verify(bench.alerts, times(1)).sendAlert(sent.capture());
    assertEquals(AlertRequest.DEADLINE_MISSED, sent.getValue().event());
    assertEquals("job-deadline", sent.getValue().jobId());
    assertTrue(sent.getValue().message().contains("the job goes on"), sent.getValue().message());
  }

  @Test
  void aDeadlineNotReachedSendsNothing() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(3));
    startWorkers(new FakeChunkActivities(0));
    JobSpec spec =
        spec("job-in-time", null, null)
            .withAlerts(new Alerts(List.of("http://hooks.example/a"), false))
            .withDeadline("1h");
    stub("job-in-time").run(spec);
    verify(bench.alerts, never()).sendAlert(any());
  }

  @Test
  void aFailedJobAlertsOnceAndAnUndeliverableAlertDoesNotChangeHowItEnds() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(4));
    doThrow(ApplicationFailure.newFailure("webhook down", "ALERT_UNDELIVERED"))
        .when(bench.alerts)
        .sendAlert(any());
    startWorkers(new FakeChunkActivities(0));

    JobSpec spec =
        spec("job-alert", new Tolerance(3L, null), null)
            .withAlerts(new Alerts(List.of("http://hooks.example/a"), null));
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub("job-alert").run(spec));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("TOLERANCE_EXCEEDED", cause.getType());
    ArgumentCaptor<AlertRequest> sent = ArgumentCaptor.forClass(AlertRequest.class);
    // Three attempts of the one alert (its retry policy), all failing; the job failed as it would have.
    verify(bench.alerts, times(3)).sendAlert(sent.capture());
    assertEquals(AlertRequest.TOLERANCE_EXCEEDED, sent.getValue().event());
    assertTrue(sent.getValue().message().contains("4 rows rejected"), sent.getValue().message());
    verify(commit).discard(new DiscardRequest("job-alert", "/data/out"));
  }

  @Test
  void continuesAsNewPastTheEventLimitAndStillCountsEveryChunkOnce() throws IOException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(12));
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    startWorkers(chunks);

    JobResult result = stub("job-can").run(spec("job-can", null, 20));
    recordIfAsked("job-can");

    assertEquals(Fixtures.total(12), result.counts());
    assertEquals(12, chunks.calls.size(), "no chunk processed twice across runs");
    assertTrue(
        client.fetchHistory("job-can/process").getHistory().getEvents(0)
            .getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId().isEmpty() == false,
        "the process stage continued as new at least once");
  }

  @Test
  void readsTheStagedPlanAPageAtATimeAndCarriesRangesAcrossRuns() throws IOException {
    when(plan.plan(any())).thenReturn(Fixtures.plan(30));
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    startWorkers(chunks);

    JobResult result = stub("job-pages").run(spec("job-pages", null, 40));
    recordIfAsked("job-pages");

    assertEquals(Fixtures.total(30), result.counts());
    assertEquals(
        java.util.stream.IntStream.range(0, 30).boxed().toList(),
        chunks.calls.stream().sorted().toList(),
        "every chunk once, across pages and runs");
    ArgumentCaptor<ChunkPageRequest> pages = ArgumentCaptor.forClass(ChunkPageRequest.class);
    verify(plan, org.mockito.Mockito.atLeast(5)).chunks(pages.capture());
    for (ChunkPageRequest page : pages.getAllValues()) {
      assertEquals(Fixtures.plan(30).staged(), page.plan());
    }
    List<WorkflowExecutionHistory> runs = WorkflowRuns.of(client, "job-pages/process");
    assertTrue(runs.size() > 1, "the process stage continued as new");
    for (WorkflowExecutionHistory run : runs) {
      ProcessRequest input =
          DataConverter.getDefaultInstance()
              .fromPayloads(0,
                  Optional.of(run.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getInput()),
                  ProcessRequest.class, ProcessRequest.class);
      assertNull(input.chunks(), "no chunk list in the stage's input");
      assertTrue(input.state().done().isEmpty(), "done chunks travel as ranges");
      assertTrue(input.state().doneRanges().ranges().size() <= 1, input.state().doneRanges().toString());
    }
  }

  @Test
  void aPlanOfAnEarlierVersionWithItsListsStillRuns() {
    when(plan.plan(any())).thenReturn(Fixtures.listedPlan(5));
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    startWorkers(chunks);

    JobResult result = stub("job-listed").run(spec("job-listed", null, null));

    assertEquals(Fixtures.total(5), result.counts());
    verify(plan, never()).chunks(any());
    ArgumentCaptor<MergeRequest> mergeRequest = ArgumentCaptor.forClass(MergeRequest.class);
    verify(merge).merge(mergeRequest.capture());
    assertEquals(5, mergeRequest.getValue().chunks().size());
    assertNull(mergeRequest.getValue().plan());
  }

  @Test
  void aProgressReportFromAnyoneButTheProcessStageChangesNothing() throws Exception {
    CountDownLatch planned = new CountDownLatch(1);
    when(plan.plan(any()))
        .thenAnswer(
            i -> {
              assertTrue(planned.await(20, TimeUnit.SECONDS));
              return Fixtures.plan(4);
            });
    startWorkers(new FakeChunkActivities(0));
    JobWorkflow job = stub("job-forged");
    WorkflowClient.start(job::run, spec("job-forged", null, null));
    job.pause();
    planned.countDown();
    awaitProgress(job, p -> p.stage().equals("PROCESS") && p.message().contains("0 of 4"));

    job.reportProgress(new ProcessProgress(4, 4, 4000, new Counts(99, 99, 0, 0), 0, false, 1));
    job.reportProgress(
        new ProcessProgress(4, 4, 4000, new Counts(99, 99, 0, 0), 0, false, 1, "not-the-stage", 1000));
    // A query after both signals sees them handled (signals are handled in order before it).
    job.resume();
    JobProgress after = job.progress();
    assertTrue(after.chunksDone() < 4 || after.counts().rows() != 99, after.toString());
    assertEquals(0, after.counts().rows() % 10, "counts only from the stage's own reports: " + after);
    JobResult result = WorkflowStub.fromTyped(job).getResult(JobResult.class);
    assertEquals(Fixtures.total(4), result.counts());
  }

  @Test
  void aPauseSentToTheProcessStageDirectlyIsUndoneByTheJobThatOwnsIt() throws Exception {
    FakeChunkActivities chunks = new FakeChunkActivities(3);
    JobWorkflow job = startWithThreeHeld("job-own", 6, chunks);

    client.newWorkflowStub(ProcessWorkflow.class, "job-own/process").pause();
    chunks.release.countDown();

    // The stage reports itself paused; the job, not paused, resumes it and the job completes.
    JobResult result = WorkflowStub.fromTyped(job).getResult(JobResult.class);
    assertEquals(Fixtures.total(6), result.counts());
    assertEquals(6, chunks.calls.size());
  }

  @Test
  void aChunkWhoseResultIsNotAnActivityFailureFailsTheStageInsteadOfVanishing() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(3));
    bench.startWithChunks(new UnreadableResultChunks());

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub("job-lost").run(spec("job-lost", null, null)));

    Throwable t = e;
    String chain = "";
    while (t != null) {
      chain += t + "\n";
      t = t.getCause();
    }
    assertTrue(chain.contains(ProcessWorkflowImpl.CHUNK_LOST), chain);
    verify(merge, never()).merge(any());
  }

  /** Answers every chunk with a value the workflow cannot read as a chunk result. */
  @io.temporal.activity.ActivityInterface
  public interface UnreadableChunkResults {
    @io.temporal.activity.ActivityMethod(name = "ProcessChunk")
    String processChunk(dev.ballast.api.model.ChunkTask task);
  }

  static final class UnreadableResultChunks implements UnreadableChunkResults {
    @Override
    public String processChunk(dev.ballast.api.model.ChunkTask task) {
      return "not a chunk result";
    }
  }

  @Test
  void failsWithoutPublishingWhenRejectsExceedTheTolerance() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(4));
    startWorkers(new FakeChunkActivities(0));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> stub("job-tol").run(spec("job-tol", new Tolerance(3L, null), null)));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("TOLERANCE_EXCEEDED", cause.getType());
    assertTrue(cause.getOriginalMessage().contains("4 rows rejected, more than the 3"),
        cause.getOriginalMessage());
    verify(merge, never()).merge(any());
    verify(commit, never()).commit(any());
    verify(commit).discard(new DiscardRequest("job-tol", "/data/out"));
  }

  @Test
  void aChunkThatFailsForGoodFailsTheJobAndKeepsStagingForAResume() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(5));
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    chunks.failIndex = 2;
    startWorkers(chunks);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub("job-f").run(spec("job-f", null, null)));

    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, root);
    assertEquals("INPUT_CHANGED", failure.getType());
    verify(merge, never()).merge(any());
    verify(commit, never()).discard(any());
    String message = bench.job("job-f").progress().message();
    assertTrue(message.contains("failed in process"), message);
  }

  @Test
  void pauseStopsDispatchingAndResumeFinishesTheJob() throws Exception {
    CountDownLatch planned = new CountDownLatch(1);
    when(plan.plan(any()))
        .thenAnswer(
            i -> {
              assertTrue(planned.await(20, TimeUnit.SECONDS));
              return Fixtures.plan(4);
            });
    FakeChunkActivities chunks = new FakeChunkActivities(0);
    startWorkers(chunks);
    JobWorkflow job = stub("job-p");
    WorkflowClient.start(job::run, spec("job-p", null, null));

    job.pause();
    awaitProgress(job, JobProgress::paused);
    planned.countDown();
    // The process stage reports as soon as it has decided not to dispatch anything.
    JobProgress paused =
        awaitProgress(job, p -> p.stage().equals("PROCESS") && p.message().contains("0 of 4"));
    assertTrue(paused.paused());
    assertEquals(0, chunks.calls.size(), "no chunk dispatched while paused");

    job.resume();
    JobResult result = WorkflowStub.fromTyped(job).getResult(JobResult.class);
    assertEquals(Fixtures.total(4), result.counts());
  }

  @Test
  void cancelStopsInFlightChunksAndDiscardsStaging() throws Exception {
    FakeChunkActivities chunks = new FakeChunkActivities(3);
    JobWorkflow job = startWithThreeHeld("job-c", 6, chunks);

    WorkflowStub.fromTyped(job).cancel();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(job).getResult(JobResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertEquals(3, chunks.cancelled.size(), "each in-flight chunk saw the cancellation");
    verify(commit).stopChunks(new StopRequest("job-c", Fixtures.STAGING));
    verify(commit).discard(new DiscardRequest("job-c", "/data/out"));
    verify(merge, never()).merge(any());
  }

  @Test
  void chunksNotPickedUpByThePrimaryPoolFailOverToTheBackupQueue() {
    when(plan.plan(any())).thenReturn(Fixtures.plan(3));
    FakeChunkActivities standby = new FakeChunkActivities(0);
    bench.start(standby, "ballast-chunks-standby");
    JobSpec base = spec("job-b", null, null);
    StagePolicy withBackup =
        new StagePolicy(
            new RetrySpec(null, null, null, 1, null),
            new TimeoutSpec(null, Duration.ofSeconds(2), null, Duration.ofSeconds(1)),
            "ballast-chunks-standby");
    JobSpec spec =
        new JobSpec(
            base.id(), base.type(), base.inputs(), base.output(), base.parameters(),
            base.chunkBytes(), base.maxInFlight(), base.tolerance(), Map.of("process", withBackup),
            base.keepBackups(), base.historyEventLimit());

    JobResult result = stub("job-b").run(spec);

    assertEquals(Fixtures.total(3), result.counts());
    assertEquals(List.of(0, 1, 2), result.failedOverChunks());
    assertEquals(List.of(0, 1, 2), standby.calls.stream().sorted().toList());
  }
}
