package dev.ballast.api.activity;

import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.StopRequest;
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

  /**
   * Leaves a stop marker in the job's staging area: every chunk activity of the job stops at its
   * next checkpoint with {@code CANCELLED}. Cancelling a job uses this instead of Temporal's
   * activity cancellation, so that no cancellation command can race a chunk that is just
   * completing, and so that the job knows when every chunk has stopped writing.
   */
  @ActivityMethod(name = "StopChunks")
  void stopChunks(StopRequest request);

  /** Deletes a job's staging area; used when a job is cancelled. */
  @ActivityMethod(name = "Discard")
  void discard(DiscardRequest request);
}
