package dev.ballast.ui;

import io.temporal.activity.ActivityInterface;

/** Processes one chunk, heartbeating its offset. */
@ActivityInterface
public interface DemoActivities {
  int processChunk(String chunk);
}
