package dev.ballast.activities;

import dev.ballast.activities.files.DataRoots;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.plan.Planner;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Inject;

/**
 * The plan activity: runs a {@link Planner} and heartbeats the input bytes read so far, at most
 * once a second.
 */
public class PlanActivitiesImpl implements PlanActivities {
  private static final long HEARTBEAT_EVERY_NANOS = 1_000_000_000L;

  private final Planner planner;
  private DataRoots dataRoots = DataRoots.fromEnv();

  @Inject
  public PlanActivitiesImpl(JobTypes jobTypes) {
    this.planner = new Planner(jobTypes);
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
    PlanResult result = planner.plan(
        spec,
        bytesRead -> {
          long now = System.nanoTime();
          if (now - lastBeat[0] >= HEARTBEAT_EVERY_NANOS) {
            lastBeat[0] = now;
            context.heartbeat(bytesRead);
          }
        });
    // Directories and globs are checked again file by file: a link inside one may lead out.
    for (InputFile input : result.inputs()) {
      dataRoots.check("input", input.path());
    }
    return result;
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
