package dev.ballast.api.activity;

import dev.ballast.api.model.ChunkPage;
import dev.ballast.api.model.ChunkPageRequest;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface PlanActivities {
  /**
   * Resolves the inputs (files, directories, globs), checks each header, fingerprints each file
   * (size, time, SHA-256) and splits it into chunks of about {@code chunkBytes} at line
   * boundaries. Writes the inputs and chunks to the staging area and returns their reference
   * (counts and SHA-256), never the lists. Fails with {@code BAD_SPEC}, {@code INPUT_NOT_FOUND} or
   * {@code BAD_HEADER}, non-retryably, before anything is processed.
   */
  @ActivityMethod(name = "Plan")
  PlanResult plan(JobSpec spec);

  /**
   * Chunks of a staged plan from a given index: at most the number asked, and no more than fit in
   * 128 KiB; {@code STAGED_RESULT_CORRUPT} when the staged plan is not the one referenced.
   */
  @ActivityMethod(name = "PlanChunks")
  ChunkPage chunks(ChunkPageRequest request);
}
