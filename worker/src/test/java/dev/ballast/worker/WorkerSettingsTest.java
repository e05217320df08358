package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.TaskQueues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

  @Test
  void emptyEnvironmentGivesTheDefaults() {
    WorkerSettings s = WorkerSettings.fromEnv(Map.of());
    assertEquals("127.0.0.1:7233", s.address());
    assertEquals("default", s.namespace());
    assertEquals(List.of(TaskQueues.JOBS, TaskQueues.CHUNKS), s.queues());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.chunkSlots());
    assertEquals(WorkerSettings.StickyMode.AUTO, s.sticky());
    assertEquals(Duration.ofSeconds(30), s.drainTimeout());
    assertTrue(s.identity().startsWith("ballast-worker-"), s.identity());
  }

  @Test
  void everyVariableIsRead() {
    WorkerSettings s =
        WorkerSettings.fromEnv(
            Map.of(
                "TEMPORAL_ADDRESS", "temporal.example:7233",
                "TEMPORAL_NAMESPACE", "batch",
                "BALLAST_QUEUES", "chunks",
                "BALLAST_CHUNK_SLOTS", "7",
                "BALLAST_STICKY", "off",
                "BALLAST_DRAIN_SECONDS", "5",
                "BALLAST_IDENTITY", "w1"));
    assertEquals("temporal.example:7233", s.address());
    assertEquals("batch", s.namespace());
    assertEquals(List.of(TaskQueues.CHUNKS), s.queues());
    assertEquals(7, s.chunkSlots());
    assertEquals(WorkerSettings.StickyMode.OFF, s.sticky());
    assertEquals(Duration.ofSeconds(5), s.drainTimeout());
    assertEquals("w1", s.identity());
  }

  @Test
  void queuesAcceptFullAndShortNamesWithoutDuplicates() {
    assertEquals(
        List.of(TaskQueues.CHUNKS, TaskQueues.JOBS),
        WorkerSettings.parseQueues(" chunks , " + TaskQueues.JOBS + ",chunks"));
  }

  @Test
  void malformedValuesNameTheirVariable() {
    assertMessageContains("BALLAST_CHUNK_SLOTS", Map.of("BALLAST_CHUNK_SLOTS", "many"));
    assertMessageContains("BALLAST_STICKY", Map.of("BALLAST_STICKY", "sometimes"));
    assertMessageContains("BALLAST_DRAIN_SECONDS", Map.of("BALLAST_DRAIN_SECONDS", "1.5"));
    assertMessageContains("unknown task queue 'nope'", Map.of("BALLAST_QUEUES", "jobs,nope"));
    assertMessageContains("at least 1", Map.of("BALLAST_CHUNK_SLOTS", "0"));
  }

  private static void assertMessageContains(String expected, Map<String, String> env) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WorkerSettings.fromEnv(env));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
