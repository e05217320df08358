package dev.ballast.api.activity;

import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.PublishedQuery;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface PipelineActivities {
  /**
   * The result job {@code jobId} published in {@code outputDir}, read from its manifest, when the
   * manifest names that job and every file still matches its size and SHA-256; else null.
   */
  @ActivityMethod(name = "PublishedResult")
  JobResult published(PublishedQuery query);
}
