package dev.ballast.ui;

import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import io.temporal.activity.Activity;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real chunk activity, held at its start until the test releases it, heartbeating its
 * checkpoint meanwhile: so that the browser test sees a settlement chunk pending, with heartbeat
 * details, for as long as it needs.
 */
public class GatedChunkActivities extends ChunkActivitiesImpl {
  private final CountDownLatch release = new CountDownLatch(1);

  @Inject
  public GatedChunkActivities(JobTypes jobTypes) {
    super(jobTypes);
  }

  /** Lets every chunk, held or to come, run. */
  public void releaseAll() {
    release.countDown();
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    ChunkRef chunk = task.chunk();
    try {
      while (!release.await(100, TimeUnit.MILLISECONDS)) {
        Activity.getExecutionContext()
            .heartbeat(new ChunkCheckpoint(chunk.start(), chunk.firstLine(), 0, Counts.ZERO));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return super.processChunk(task);
  }
}
