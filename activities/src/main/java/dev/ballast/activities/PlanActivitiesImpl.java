package dev.ballast.activities;

import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.ChunkPage;
import dev.ballast.api.model.ChunkPageRequest;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.DataRoots;
import dev.ballast.engine.plan.FileScanner;
import dev.ballast.engine.plan.Planner;
import dev.ballast.engine.plan.StagedPlan;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * The plan activities: the plan runs a {@link Planner} and heartbeats the input bytes read so far,
 * at most once a second; the process stage reads the staged plan's chunks a page at a time.
 */
public class PlanActivitiesImpl implements PlanActivities {
  private static final long HEARTBEAT_EVERY_NANOS = 1_000_000_000L;

  /** Most bytes of chunk references one page carries: far below Temporal's payload limits. */
  public static final int PAGE_BYTES = 128 * 1024;

  private final Planner planner;
  private DataRoots dataRoots = DataRoots.fromEnv();

  @Inject
  public PlanActivitiesImpl(JobTypes jobTypes) {
    this.planner = new Planner(jobTypes);
  }

  /** An instance whose plans cut chunks in segments of {@code segmentBytes} (tests use small ones). */
  public PlanActivitiesImpl(JobTypes jobTypes, int segmentBytes) {
    this.planner = new Planner(jobTypes, new FileScanner(), segmentBytes);
  }

  /** Confines this instance to {@code roots} instead of those of {@link DataRoots#ENV}. */
  public PlanActivitiesImpl withDataRoots(DataRoots roots) {
    this.dataRoots = roots;
    return this;
  }

  @Override
  public PlanResult plan(JobSpec spec) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    checkPaths(dataRoots, spec);
    long[] lastBeat = {System.nanoTime()};
    // Directories and globs are checked again file by file: a link inside one may lead out.
    return planner.plan(
        spec,
        bytesRead -> {
          long now = System.nanoTime();
          if (now - lastBeat[0] >= HEARTBEAT_EVERY_NANOS) {
            lastBeat[0] = now;
            context.heartbeat(bytesRead);
          }
        },
        file -> dataRoots.check("input", file.toString()));
  }

  @Override
  public ChunkPage chunks(ChunkPageRequest request) {
    dataRoots.check("staging directory", request.stagingDir());
    StagedPlan plan = StagedPlan.open(Path.of(request.stagingDir()), request.plan());
    return new ChunkPage(plan.chunks(request.from(), Math.max(1, request.max()), PAGE_BYTES));
  }

  /** Refuses a spec whose output or inputs lie outside {@code roots}, before anything is created. */
  static void checkPaths(DataRoots roots, JobSpec spec) {
    roots.check("output", spec.output());
    if (spec.inputs() != null) {
      for (String input : spec.inputs()) {
        roots.checkPattern("input", input);
      }
    }
  }
}
