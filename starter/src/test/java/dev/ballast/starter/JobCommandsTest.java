package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.embedded.EmbeddedTemporal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands against an embedded Temporal service with no worker: jobs started here stay
 * RUNNING, which is what these tests need.
 */
@Timeout(120)
class JobCommandsTest {
  private static EmbeddedTemporal temporal;
  private static Map<String, String> env;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    temporal = EmbeddedTemporal.start(0);
    env = Map.of("TEMPORAL_ADDRESS", temporal.address());
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void statusOfAnUnknownJobExitsFive() {
    Cli.Result r = Cli.run(env, dir, "status", "no-such-job");
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, r.code(), r.err());
    assertEquals("job no-such-job not found", r.err().trim());
  }

  @Test
  void steeringAnUnknownJobExitsFive() {
    for (String command : new String[] {"pause", "resume", "cancel", "watch"}) {
      Cli.Result r = Cli.run(env, dir, command, "no-such-job");
      assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, r.code(), command + ": " + r.err());
      assertEquals(1, r.errLines(), r.err());
    }
  }

  @Test
  void startPrintsTheIdAndASecondStartIsAConflict() throws Exception {
    String[] args = {
      "start", "--id", "nightly-1", "--type", "settlement", "--input", "in.csv", "--output", "out"
    };
    Cli.Result first = Cli.run(env, dir, args);
    assertEquals(0, first.code(), first.err());
    assertEquals("nightly-1", first.out().trim());

    Cli.Result second = Cli.run(env, dir, args);
    assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, second.code());
    assertEquals(
        "job nightly-1 is already running; watch it with ballast watch nightly-1", second.err().trim());

    Cli.Result status = Cli.run(env, dir, "status", "nightly-1", "--json");
    assertEquals(0, status.code(), status.err());
    JsonNode json = new ObjectMapper().readTree(status.out());
    assertEquals("nightly-1", json.get("id").asText());
    assertEquals("RUNNING", json.get("status").asText());
    for (String field :
        new String[] {"stage", "chunksDone", "chunksTotal", "rows", "accepted", "pending", "rejected", "startedAt"}) {
      assertTrue(json.has(field), "missing " + field + " in " + status.out());
    }

    Cli.Result list = Cli.run(env, dir, "list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().startsWith("ID "), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("nightly-1 ") && l.contains("RUNNING")), list.out());

    Cli.Result completedOnly = Cli.run(env, dir, "list", "--status", "completed");
    assertEquals(0, completedOnly.code(), completedOnly.err());
    assertTrue(completedOnly.out().lines().noneMatch(l -> l.startsWith("nightly-1 ")), completedOnly.out());

    Cli.Result paused = Cli.run(env, dir, "pause", "nightly-1");
    assertEquals(0, paused.code(), paused.err());
    assertEquals("paused job nightly-1", paused.out().trim());
  }
}
