package dev.ballast.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.activity.DrillActivities;
import dev.ballast.api.model.DrillCheckpoint;
import dev.ballast.api.model.DrillChunk;
import dev.ballast.api.model.DrillChunkResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The drill chunk without a real process stop: the first attempt checkpoints, plans its stop and
 * calls the stop with exit code 75 only after heartbeating the planned stop time; an attempt with a
 * checkpoint resumes from it, finishes the sum and reports the failover it measured.
 */
@Timeout(30)
class DrillActivitiesImplTest {
  /** Stands for Runtime.halt: ends the attempt instead of the JVM. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("process stopped");
    }
  }

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
  private final List<Duration> failovers = new CopyOnWriteArrayList<>();
  private final List<DrillCheckpoint> heartbeats = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    env.close();
  }

  private DrillActivities stub(String identity) {
    env.registerActivitiesImplementations(new DrillActivitiesImpl(identity, code -> {
      exitCodes.add(code);
      throw new Stopped();
    }, failovers::add));
    env.setActivityHeartbeatListener(DrillCheckpoint.class, heartbeats::add);
    // Heartbeat timeout 1 s: the SDK sends a throttled heartbeat at least every 0.8 s, as a drill
    // worker does every second (its maximum heartbeat throttle).
    return env.newActivityStub(DrillActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(20)).setHeartbeatTimeout(Duration.ofSeconds(1)).build());
  }

  @Test
  void theFirstAttemptStopsAfterHeartbeatingItsCheckpointAndPlannedStop() {
    DrillActivities drill = stub("w1");
    long before = System.currentTimeMillis();
    assertThrows(ActivityFailure.class, () -> drill.runChunk(new DrillChunk("d", 20, 5, 10)));
    assertEquals(List.of(DrillActivitiesImpl.EXIT_CODE), exitCodes);
    // The heartbeats the SDK actually sent (throttled): the last one, sent before the stop, carries
    // the checkpoint and the planned stop time, which is what the next attempt resumes from.
    DrillCheckpoint last = heartbeats.get(heartbeats.size() - 1);
    assertEquals(5, last.step(), heartbeats.toString());
    assertEquals(15, last.sum());
    assertEquals("w1", last.worker());
    assertTrue(last.stopAtMillis() >= before, last.toString());
    assertTrue(System.currentTimeMillis() - before >= DrillActivitiesImpl.STOP_AFTER.toMillis());
  }

  @Test
  void anAttemptWithACheckpointResumesFromItAndMeasuresTheFailover() {
    DrillActivities drill = stub("w2");
    long stoppedAt = System.currentTimeMillis() - 4_000;
    env.setHeartbeatDetails(new DrillCheckpoint(5, 15, "w1", stoppedAt));
    DrillChunkResult r = drill.runChunk(new DrillChunk("d", 20, 5, 10));
    assertEquals(List.of(), exitCodes, "a resumed attempt never stops its worker");
    assertEquals(20, r.steps());
    assertEquals(210, r.sum());
    assertEquals(5, r.resumedFromStep());
    assertEquals("w1", r.stoppedWorker());
    assertEquals(stoppedAt, r.stoppedAtMillis());
    assertEquals("w2", r.resumedWorker());
    assertEquals(1, failovers.size());
    assertEquals(Duration.ofMillis(Math.max(0, r.resumedAtMillis() - stoppedAt)), failovers.get(0));
  }
}
