package dev.ballast.activities;

import dev.ballast.activities.job.JobTypes;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import jakarta.inject.Inject;

public class MergeActivitiesImpl implements MergeActivities {
  private final JobTypes jobTypes;

  @Inject
  public MergeActivitiesImpl(JobTypes jobTypes) {
    this.jobTypes = jobTypes;
  }

  @Override
  public MergeResult merge(MergeRequest request) {
    throw new UnsupportedOperationException("not yet");
  }
}
