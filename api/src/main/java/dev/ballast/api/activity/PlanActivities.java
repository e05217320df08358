package dev.ballast.api.activity;

import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface PlanActivities {
  /**
   * Resolves the inputs (files, directories, globs), checks each header, fingerprints each file
   * (size, time, SHA-256) and splits it into chunks of about {@code chunkBytes} at line
   * boundaries. Fails with {@code BAD_SPEC}, {@code INPUT_NOT_FOUND} or {@code BAD_HEADER},
   * non-retryably, before anything is processed.
   */
  @ActivityMethod(name = "Plan")
  PlanResult plan(JobSpec spec);
}
