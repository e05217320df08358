package dev.ballast.ui;

import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.JobTypes;
import io.temporal.activity.Activity;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The real chunk activity, held at its start until the test releases it, heartbeating its
 * checkpoint meanwhile: so that the browser test sees a settlement chunk pending, with heartbeat
 * details, for as long as it needs. Holds the chunks of every job until {@link #holdOnly} narrows
 * it to some jobs or {@link #releaseAll()} lets everything run.
 */
public class GatedChunkActivities extends ChunkActivitiesImpl {
  private volatile Predicate<String> held = jobId -> true;

  @Inject
  public GatedChunkActivities(JobTypes jobTypes) {
    super(jobTypes);
  }

  /** Holds only the chunks of these jobs; every other job's chunks run. */
  public void holdOnly(String... jobIds) {
    Set<String> ids = Set.of(jobIds);
    held = ids::contains;
  }

  /** Lets every chunk, held or to come, run. */
  public void releaseAll() {
    held = jobId -> false;
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    ChunkRef chunk = task.chunk();
    try {
      while (held.test(task.jobId())) {
        Activity.getExecutionContext()
            .heartbeat(new ChunkCheckpoint(chunk.start(), chunk.firstLine(), 0, Counts.ZERO));
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return super.processChunk(task);
  }
}
