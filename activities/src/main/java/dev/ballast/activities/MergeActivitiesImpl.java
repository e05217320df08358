package dev.ballast.activities;

import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.stage.RecordMerger;
import io.temporal.activity.Activity;
import jakarta.inject.Inject;

/**
 * Merges the staged chunk results into the job's staged outputs (its job type's outputs and
 * {@code out/rejects.jsonl}, each written atomically) with the engine's {@link RecordMerger}.
 *
 * <p>Chunks are read in the request's order. Each chunk's summary must match its {@code ChunkRef}
 * and the job's parameters, and each segment file its recorded size and SHA-256; otherwise the
 * merge fails with {@code STAGED_RESULT_CORRUPT}. The summed counts must equal the request's.
 * Heartbeats once per chunk.
 */
public class MergeActivitiesImpl implements MergeActivities {
  private final JobTypes jobTypes;

  @Inject
  public MergeActivitiesImpl(JobTypes jobTypes) {
    this.jobTypes = jobTypes;
  }

  @Override
  public MergeResult merge(MergeRequest request) {
    return new RecordMerger()
        .merge(Activity.getExecutionContext(), request, ChunkActivitiesImpl.recordJob(jobTypes, request.type()));
  }
}
