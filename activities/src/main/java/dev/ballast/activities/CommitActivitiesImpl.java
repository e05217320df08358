package dev.ballast.activities;

import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import jakarta.inject.Inject;

public class CommitActivitiesImpl implements CommitActivities {
  @Inject
  public CommitActivitiesImpl() {}

  @Override
  public CommitResult commit(CommitRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void discard(DiscardRequest request) {
    throw new UnsupportedOperationException("not yet");
  }
}
