package dev.ballast.workflows;

import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCanceledException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chunk activity that records what it was asked to do, tracks how many run at once, and can be
 * held until released (heartbeating meanwhile, so cancellation reaches it).
 */
class FakeChunkActivities implements ChunkActivities {
  final List<Integer> calls = new CopyOnWriteArrayList<>();
  final List<Integer> cancelled = new CopyOnWriteArrayList<>();
  final AtomicInteger current = new AtomicInteger();
  final AtomicInteger maxConcurrent = new AtomicInteger();
  final CountDownLatch started;
  volatile CountDownLatch release = new CountDownLatch(0);
  volatile int failIndex = -1;
  /** Set when the workflow leaves the stop marker (CommitActivities.stopChunks). */
  volatile boolean stopRequested;

  FakeChunkActivities(int expectedStarts) {
    this.started = new CountDownLatch(expectedStarts);
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    int index = task.chunk().index();
    calls.add(index);
    int now = current.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    started.countDown();
    try {
      while (!release.await(50, TimeUnit.MILLISECONDS)) {
        if (stopRequested) {
          cancelled.add(index);
          throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
              "chunk " + index + " stopped: the job was cancelled", "CANCELLED");
        }
        Activity.getExecutionContext().heartbeat(index);
      }
      if (index == failIndex) {
        throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
            "input a.csv changed since it was planned", "INPUT_CHANGED");
      }
      return new ChunkResult(index, Fixtures.chunkCounts(index), 1, task.chunk().start(), 0, false);
    } catch (ActivityCanceledException e) {
      cancelled.add(index);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      current.decrementAndGet();
    }
  }

  static Duration pollEvery() {
    return Duration.ofMillis(50);
  }
}
