package dev.ballast.activities;

import dev.ballast.activities.job.JobTypes;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import jakarta.inject.Inject;

public class PlanActivitiesImpl implements PlanActivities {
  private final JobTypes jobTypes;

  @Inject
  public PlanActivitiesImpl(JobTypes jobTypes) {
    this.jobTypes = jobTypes;
  }

  @Override
  public PlanResult plan(JobSpec spec) {
    throw new UnsupportedOperationException("not yet");
  }
}
