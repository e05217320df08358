package dev.ballast.api.activity;

import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface CommitActivities {
  /**
   * Writes the manifest, moves any earlier published result aside to a backup, publishes the
   * staged outputs with the manifest last, prunes old backups and deletes the staging area.
   * Idempotent: a retry after a crash at any step finishes the same publication.
   */
  @ActivityMethod(name = "Commit")
  CommitResult commit(CommitRequest request);

  /** Deletes a job's staging area; used when a job is cancelled. */
  @ActivityMethod(name = "Discard")
  void discard(DiscardRequest request);
}
