package dev.ballast.activities;

import dev.ballast.activities.job.JobTypes;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import jakarta.inject.Inject;

public class ChunkActivitiesImpl implements ChunkActivities {
  private final JobTypes jobTypes;

  @Inject
  public ChunkActivitiesImpl(JobTypes jobTypes) {
    this.jobTypes = jobTypes;
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    throw new UnsupportedOperationException("not yet");
  }
}
