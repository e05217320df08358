package dev.ballast.testkit;

import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.activities.CommitActivitiesImpl;
import dev.ballast.activities.MergeActivitiesImpl;
import dev.ballast.activities.PlanActivitiesImpl;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.plan.StagedPlan;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a job through the real plan, chunk, merge and commit activities in a {@link
 * TestActivityEnvironment}, one activity call after the other as the workflows would (every
 * activity with one attempt, so a test decides what a retry is).
 */
public final class JobHarness implements AutoCloseable {
  /** What one run of a job produced. */
  public record Run(PlanResult plan, List<ChunkResult> chunks, MergeResult merge, CommitResult commit) {}

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final AtomicReference<ChunkCheckpoint> lastCheckpoint = new AtomicReference<>();
  private final PlanActivities plan;
  private final ChunkActivities chunks;
  private final MergeActivities merge;
  private final CommitActivities commit;

  public JobHarness(JobTypes types, int segmentBytes) {
    env.registerActivitiesImplementations(
        new PlanActivitiesImpl(types, segmentBytes), new ChunkActivitiesImpl(types, segmentBytes),
        new MergeActivitiesImpl(types), new CommitActivitiesImpl());
    ActivityOptions options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    plan = env.newActivityStub(PlanActivities.class, options);
    chunks = env.newActivityStub(ChunkActivities.class, options);
    merge = env.newActivityStub(MergeActivities.class, options);
    commit = env.newActivityStub(CommitActivities.class, options);
  }

  /** A job spec with small chunks. */
  public static JobSpec spec(String id, String type, List<Path> inputs, Path output,
      Map<String, Object> parameters, long chunkBytes) {
    return new JobSpec(
        id, type, inputs.stream().map(Path::toString).toList(), output.toString(), parameters,
        chunkBytes, 2, null, null, 3, null);
  }

  /** Plans {@code spec}: the staged plan's reference, with its lists read back for the tests. */
  public PlanResult plan(JobSpec spec) {
    return StagedPlan.expand(plan.plan(spec));
  }

  /** Processes one chunk; {@code resumeFrom} (may be null) is the heartbeat of a failed attempt. */
  public ChunkResult chunk(JobSpec spec, PlanResult p, ChunkRef ref, ChunkCheckpoint resumeFrom) {
    lastCheckpoint.set(null);
    if (resumeFrom != null) {
      env.setHeartbeatDetails(resumeFrom);
    }
    env.setActivityHeartbeatListener(ChunkCheckpoint.class, lastCheckpoint::set);
    try {
      return chunks.processChunk(
          new ChunkTask(spec.id(), spec.type(), p.stagingDir(), spec.parameters(), ref));
    } finally {
      env.setActivityHeartbeatListener(Object.class, details -> {});
    }
  }

  /** The last checkpoint heartbeated by a chunk since the last {@link #chunk} call started. */
  public ChunkCheckpoint lastCheckpoint() {
    return lastCheckpoint.get();
  }

  /** Merges and commits after every chunk was processed. */
  public Run finish(JobSpec spec, PlanResult p, List<ChunkResult> results) {
    Counts counts = results.stream().map(ChunkResult::counts).reduce(Counts.ZERO, Counts::plus);
    // As the job workflow does: a staged plan travels as its reference only.
    boolean staged = p.staged() != null;
    MergeResult m = merge.merge(
        new MergeRequest(spec.id(), spec.type(), p.stagingDir(), spec.parameters(),
            staged ? null : p.chunks(), counts, p.staged()));
    CommitResult c = commit.commit(
        new CommitRequest(spec.id(), spec.output(), p.stagingDir(), Instant.parse("2026-11-27T00:00:00Z"),
            staged ? null : p.inputs(), m.counts(), m.outputs(), 3, p.staged()));
    return new Run(p, results, m, c);
  }

  /** Plan, every chunk, merge and commit. */
  public Run run(JobSpec spec) {
    PlanResult p = plan(spec);
    List<ChunkResult> results = new ArrayList<>();
    for (ChunkRef ref : p.chunks()) {
      results.add(chunk(spec, p, ref, null));
    }
    return finish(spec, p, results);
  }

  @Override
  public void close() {
    env.close();
  }
}
