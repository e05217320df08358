package dev.ballast.ui;

import io.temporal.activity.Activity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats {@code "<chunk>: row <n>"} every 100 ms until the test releases the chunk (or every
 * chunk, with {@link #releaseAll()}); then returns the rows it counted.
 */
public class DemoActivitiesImpl implements DemoActivities {

  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private volatile boolean allReleased;

  private CountDownLatch gate(String chunk) {
    return gates.computeIfAbsent(chunk, c -> new CountDownLatch(1));
  }

  /** Lets the activity for {@code chunk} finish. */
  public void release(String chunk) {
    gate(chunk).countDown();
  }

  /** Lets every current and future chunk finish at once. */
  public void releaseAll() {
    allReleased = true;
    gates.values().forEach(CountDownLatch::countDown);
  }

  @Override
  public int processChunk(String chunk) {
    CountDownLatch gate = gate(chunk);
    int row = 0;
    try {
      while (!allReleased && !gate.await(100, TimeUnit.MILLISECONDS)) {
        row += 100;
        Activity.getExecutionContext().heartbeat(chunk + ": row " + row);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return row;
  }
}
