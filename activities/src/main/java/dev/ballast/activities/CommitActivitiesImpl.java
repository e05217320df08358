package dev.ballast.activities;

import dev.ballast.activities.commit.Committer;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * The commit activities: run a {@link Committer}, heartbeating the name of each step reached so
 * that a long verification of large outputs keeps the attempt alive.
 */
public class CommitActivitiesImpl implements CommitActivities {
  private final Clock clock;

  @Inject
  public CommitActivitiesImpl() {
    this(Clock.systemUTC());
  }

  /** An implementation taking {@code finishedAt} from {@code clock}. */
  public CommitActivitiesImpl(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CommitResult commit(CommitRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    return new Committer(clock, context::heartbeat).commit(request);
  }

  @Override
  public void discard(DiscardRequest request) {
    new Committer(clock, step -> {}).discard(request);
  }
}
