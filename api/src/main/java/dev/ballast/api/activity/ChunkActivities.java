package dev.ballast.api.activity;

import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface ChunkActivities {
  /**
   * Processes one chunk into staged files named after the chunk (rewritten whole on retry, never
   * appended), heartbeating its position; a retried attempt resumes from the last heartbeat. A
   * chunk whose staged result already exists and verifies is not processed again.
   */
  @ActivityMethod(name = "ProcessChunk")
  ChunkResult processChunk(ChunkTask task);
}
