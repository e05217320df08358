package dev.ballast.activities;

import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.plan.Planner;
import dev.ballast.api.activity.PlanActivities;
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

  @Inject
  public PlanActivitiesImpl(JobTypes jobTypes) {
    this.planner = new Planner(jobTypes);
  }

  @Override
  public PlanResult plan(JobSpec spec) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    long[] lastBeat = {System.nanoTime()};
    return planner.plan(
        spec,
        bytesRead -> {
          long now = System.nanoTime();
          if (now - lastBeat[0] >= HEARTBEAT_EVERY_NANOS) {
            lastBeat[0] = now;
            context.heartbeat(bytesRead);
          }
        });
  }
}
