package dev.ballast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.job.policy.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageTimesTest {
  @Test
  void unionCountsOverlapsOnce() {
    assertEquals(0, StageTimes.union(List.of()));
    assertEquals(10, StageTimes.union(List.of(new long[] {0, 10})));
    assertEquals(15, StageTimes.union(List.of(new long[] {5, 15}, new long[] {0, 10})));
    assertEquals(
        12, StageTimes.union(List.of(new long[] {0, 4}, new long[] {10, 15}, new long[] {1, 3}, new long[] {20, 23})));
  }

  @Test
  void gapsAreTheStretchesWithNothingRunning() {
    assertEquals(
        List.of("0+5", "12+3", "20+10"),
        StageTimes.gaps(List.of(new long[] {115, 120}, new long[] {105, 110}, new long[] {108, 112}), 100, 130));
    assertEquals(List.of("0+30"), StageTimes.gaps(List.of(), 100, 130));
  }

  @Test
  void overheadIsJobTimeWithoutActivities() {
    StageTimes t = new StageTimes(1000, Map.of(Stage.PLAN, 100L), 1, 50, 4, 1600, 900, List.of());
    assertEquals(100, t.overheadMillis());
    assertEquals(10.0, t.overheadPercent(), 1e-9);
  }
}
