package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast jobs} and the check of a spec against the registered job types. */
class JobsCommandTest {
  @Test
  void listsEveryRegisteredTypeWithItsParameters() {
    Cli.Result r = Cli.run("jobs");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("settlement"), r.out());
    assertTrue(r.out().contains("wordcount - counts the words"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+minLength\\s+integer\\s+default 1\\s+shorter words.*")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+table\\s+string\\s+required\\s+target table.*")), r.out());
    assertTrue(r.out().contains("    ArithmeticException: the job fails at once as OVERFLOW\n"), r.out());
  }

  @Test
  void listsOneTypeOrRejectsAnUnknownOne() {
    Cli.Result one = Cli.run("jobs", "load");
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().startsWith("load - ") && !one.out().contains("wordcount"), one.out());
    Cli.Result unknown = Cli.run("jobs", "lod");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown job type 'lod' (known: load, settlement, wordcount)"), unknown.err());
  }

  @Test
  void listsThemAsJson() {
    Cli.Result r = Cli.run("jobs", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"name\" : \"load\""), r.out());
    assertTrue(r.out().contains("\"name\" : \"passwordEnv\""), r.out());
  }

  @Test
  void anUnknownJobTypeIsRejectedListingTheKnownOnes(@TempDir Path dir) {
    Cli.Result r = Cli.run(Map.of(), dir, "run", "--type", "wordcont", "--input", "in.csv", "--output", "out");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown job type 'wordcont' (known: load, settlement, wordcount)"), r.err());
  }

  @Test
  void unknownOrMissingParametersAreRejectedBeforeStarting(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("job.json"),
        "{\"type\":\"load\",\"inputs\":[\"in.csv\"],\"output\":\"out\",\"parameters\":{\"key\":\"id\"}}");
    Cli.Result missing = Cli.run(Map.of(), dir, "run", "job.json");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("load parameter 'table' is required"), missing.err());
    assertTrue(missing.err().contains("allowed: table (string, required), key (string list, required)"), missing.err());

    Files.writeString(dir.resolve("job.json"),
        "{\"type\":\"wordcount\",\"inputs\":[\"in.csv\"],\"output\":\"out\",\"parameters\":{\"colum\":\"x\"}}");
    Cli.Result unknown = Cli.run(Map.of(), dir, "run", "job.json");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown wordcount parameter 'colum' (allowed: column"), unknown.err());
    assertEquals(1, unknown.errLines(), unknown.err());
  }

  @Test
  void listsEachTypesDefaultStagePolicies() throws Exception {
    Cli.Result load = Cli.run("jobs", "load");
    assertEquals(0, load.code(), load.err());
    assertTrue(load.out().lines().anyMatch(l -> l.equals("    process  20 attempts, 2s doubling to 1m apart; 30m per"
        + " attempt, heartbeat 30s; never retried: DB_CONSTRAINT, DB_SCHEMA, DB_DATA, DB_AUTH")), load.out());
    Cli.Result settlement = Cli.run("jobs", "settlement");
    assertTrue(settlement.out().lines().anyMatch(l -> l.equals(
        "    process  10 attempts, 1s doubling to 30s apart; 30m per attempt, heartbeat 10s")), settlement.out());

    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(Cli.run("jobs", "--json").out());
    for (com.fasterxml.jackson.databind.JsonNode type : json) {
      com.fasterxml.jackson.databind.JsonNode retry = type.get("policies").get("process").get("retry");
      assertEquals(type.get("name").asText().equals("load") ? 20 : 10, retry.get("maximumAttempts").asInt(), type.toString());
      assertEquals(type.get("name").asText().equals("load") ? "1m" : "30s", retry.get("maximumInterval").asText());
      assertEquals("5", type.get("policies").get("commit").get("retry").get("maximumAttempts").asText());
    }
  }
}
