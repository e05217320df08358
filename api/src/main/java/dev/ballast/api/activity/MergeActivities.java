package dev.ballast.api.activity;

import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface MergeActivities {
  /** Combines every chunk's staged result into the job's staged outputs. */
  @ActivityMethod(name = "Merge")
  MergeResult merge(MergeRequest request);
}
