package dev.ballast.starter.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.model.JobSpec;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  @Test
  void readsEveryFieldAndResolvesPathsAgainstTheSpecDirectory() throws IOException {
    Path spec =
        write(
            "specs/nightly.json",
            """
            {
              "id": "nightly-1",
              "type": "settlement",
              "inputs": ["../data/a.csv", "/abs/b.csv", "in/*.csv"],
              "output": "out",
              "parameters": {"rates": {"USD": 1, "EUR": 1.08}},
              "chunkBytes": 1048576,
              "maxInFlight": 8,
              "tolerance": {"maxRejected": 10, "maxRejectedPercent": 0.5},
              "policies": {
                "Process": {
                  "retry": {"maximumAttempts": 3, "initialInterval": "500ms", "nonRetryableErrorTypes": ["IO"]},
                  "timeouts": {"heartbeat": "10s", "startToClose": "PT5M", "scheduleToClose": "1h"}
                }
              },
              "keepBackups": 2,
              "historyEventLimit": 1000
            }
            """);
    JobSpec s = SpecLoader.build(spec, SpecLoader.Overrides.NONE, Path.of("/elsewhere"));
    assertEquals("nightly-1", s.id());
    assertEquals("settlement", s.type());
    assertEquals(
        List.of(
            dir.resolve("data/a.csv").toString(),
            "/abs/b.csv",
            dir.resolve("specs/in/*.csv").toString()),
        s.inputs());
    assertEquals(dir.resolve("specs/out").toString(), s.output());
    assertEquals(Map.of("USD", 1, "EUR", 1.08), s.parameters().get("rates"));
    assertEquals(1048576L, s.chunkBytes());
    assertEquals(8, s.maxInFlight());
    assertEquals(10L, s.tolerance().maxRejected());
    assertEquals(0.5, s.tolerance().maxRejectedPercent());
    assertEquals(2, s.keepBackups());
    assertEquals(1000, s.historyEventLimit());

    StagePolicy process = s.policies().get("process");
    assertEquals(3, process.retry().maximumAttempts());
    assertEquals(Duration.ofMillis(500), process.retry().initialInterval());
    assertEquals(List.of("IO"), process.retry().nonRetryableErrorTypes());
    assertEquals(Duration.ofSeconds(10), process.timeouts().heartbeat());
    assertEquals(Duration.ofMinutes(5), process.timeouts().startToClose());
    assertEquals(Duration.ofHours(1), process.timeouts().scheduleToClose());
    // unspecified fields fall back to the stage defaults
    StagePolicy resolved = s.policy(Stage.PROCESS);
    assertEquals(2.0, resolved.retry().backoffCoefficient());
  }

  @Test
  void flagsWinOverTheFileAndResolveAgainstTheWorkingDirectory() throws IOException {
    Path spec =
        write(
            "job.json",
            """
            {"id": "from-file", "type": "settlement", "inputs": ["a.csv"], "output": "out",
             "chunkBytes": 100, "maxInFlight": 2, "keepBackups": 5}
            """);
    Path cwd = dir.resolve("work");
    JobSpec s =
        SpecLoader.build(
            spec,
            new SpecLoader.Overrides("from-flag", null, List.of("x.csv", "./y/../z.csv"), "res", 4096L, null),
            cwd);
    assertEquals("from-flag", s.id());
    assertEquals("settlement", s.type());
    assertEquals(List.of(cwd.resolve("x.csv").toString(), cwd.resolve("z.csv").toString()), s.inputs());
    assertEquals(cwd.resolve("res").toString(), s.output());
    assertEquals(4096L, s.chunkBytes());
    assertEquals(2, s.maxInFlight());
    assertEquals(5, s.keepBackups());
  }

  @Test
  void flagsAloneMakeASpec() {
    JobSpec s =
        SpecLoader.build(
            null,
            new SpecLoader.Overrides(null, "settlement", List.of("/d/in.csv"), "/d/out", null, null),
            Path.of("/cwd"));
    assertNull(s.id());
    assertEquals(List.of("/d/in.csv"), s.inputs());
    assertNull(s.chunkBytes());
  }

  @Test
  void unknownFieldIsNamedWithTheAllowedOnes() throws IOException {
    Path spec = write("bad.json", "{\"type\": \"settlement\", \"chunkSize\": 10}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("unknown field 'chunkSize'"), e.getMessage());
    assertTrue(e.getMessage().contains("chunkBytes"), e.getMessage());
    assertTrue(e.getMessage().contains("historyEventLimit"), e.getMessage());
    assertTrue(e.getMessage().startsWith("bad.json:"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void unknownNestedFieldNamesWhereItIs() throws IOException {
    Path spec =
        write("nested.json", "{\"policies\": {\"merge\": {\"retry\": {\"attempts\": 3}}}}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("unknown field 'attempts' in policies.merge.retry"), e.getMessage());
    assertTrue(e.getMessage().contains("maximumAttempts"), e.getMessage());
  }

  @Test
  void badDurationIsExplained() throws IOException {
    Path spec =
        write("dur.json", "{\"policies\": {\"plan\": {\"timeouts\": {\"heartbeat\": \"10 parsecs\"}}}}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("bad duration '10 parsecs'"), e.getMessage());
    assertTrue(e.getMessage().contains("policies.plan.timeouts.heartbeat"), e.getMessage());

    Path numeric = write("num.json", "{\"policies\": {\"plan\": {\"timeouts\": {\"heartbeat\": 10}}}}");
    SpecException n = assertThrows(SpecException.class, () -> SpecLoader.load(numeric));
    assertTrue(n.getMessage().contains("must be a string"), n.getMessage());
  }

  @Test
  void unknownStageIsRejected() throws IOException {
    Path spec = write("stage.json", "{\"policies\": {\"publish\": {}}}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("unknown stage 'publish'"), e.getMessage());
  }

  @Test
  void missingRequiredFieldsAreListed() throws IOException {
    Path spec = write("partial.json", "{\"type\": \"settlement\"}");
    SpecException e =
        assertThrows(
            SpecException.class, () -> SpecLoader.build(spec, SpecLoader.Overrides.NONE, dir));
    assertEquals("the job spec lacks inputs (--input), output (--output)", e.getMessage());

    SpecException none =
        assertThrows(
            SpecException.class, () -> SpecLoader.build(null, SpecLoader.Overrides.NONE, dir));
    assertTrue(none.getMessage().contains("type (--type)"), none.getMessage());
  }

  @Test
  void malformedJsonAndMissingFileAreOneLine() throws IOException {
    Path spec = write("broken.json", "{\"type\": \"settlement\",\n \"inputs\": [}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().startsWith("broken.json: not valid JSON at line 2"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));

    SpecException missing =
        assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void wrongValueTypeNamesTheField() throws IOException {
    Path spec = write("type.json", "{\"chunkBytes\": \"lots\"}");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("chunkBytes"), e.getMessage());
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofSeconds(10), Durations.parse("PT10S"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("PTX"));
  }

  @Test
  void pipelineStagesKeepEveryFieldTheyDeclare() throws IOException {
    Path spec =
        write(
            "pipe.json",
            """
            {"id": "p1", "stages": [
              {"type": "settlement", "inputs": ["in.csv"], "output": "out/settled",
               "alerts": {"webhooks": ["http://127.0.0.1:9/hook"], "onSuccess": true}},
              {"type": "wordcount", "output": "out/words", "keepBackups": 2, "historyEventLimit": 700,
               "parameters": {"column": "merchant_id"},
               "alerts": {"webhooks": ["http://127.0.0.1:9/other"]}}
            ]}
            """);
    var pipeline = PipelineSpecLoader.load(spec, null, SpecValidator.discovered());
    JobSpec first = pipeline.stages().get(0);
    JobSpec second = pipeline.stages().get(1);
    assertEquals(List.of("http://127.0.0.1:9/hook"), first.alerts().webhooks());
    assertTrue(first.alerts().reportsSuccess());
    assertEquals(List.of("http://127.0.0.1:9/other"), second.alerts().webhooks());
    assertEquals(2, second.keepBackups());
    assertEquals(700, second.historyEventLimit());
    assertEquals(dir.resolve("out/words").toString(), second.output());
  }
}
