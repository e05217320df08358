package dev.ballast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.job.policy.Stage;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real settlement jobs on the embedded default, as the benchmark runs them, compared byte for
 * byte with the reference implementations.
 */
class BallastRunTest {
  @TempDir Path dir;

  /** The benchmark harness's smoke test: 1,000 rows, default settings. */
  @Test
  @Timeout(60)
  void smallJobMatchesTheReferenceAndReportsItsStages() throws Exception {
    Path input = dir.resolve("s.csv");
    SampleGenerator.write(input, 1_000, 3);
    BallastRun.Outcome outcome = BallastRun.run(dir.resolve("out"), List.of(input.toString()), null, null, null);

    assertSameAsReferences(input, dir.resolve("out"));
    assertEquals(1_000, outcome.result().counts().rows());
    StageTimes t = outcome.times();
    assertEquals(List.of(Stage.values()), List.copyOf(t.stageMillis().keySet()));
    assertEquals(1, t.processRuns());
    assertEquals(outcome.result().chunks(), t.chunkActivities());
    assertTrue(t.jobMillis() > 0 && t.activityUnionMillis() > 0 && t.activityUnionMillis() <= t.jobMillis(), t.describe());
  }

  /**
   * Many small chunks and a tiny history limit force the process stage to continue as new in the
   * middle of processing; the outputs must not change.
   */
  @Test
  @Timeout(60)
  void processStageContinuesAsNewMidwayAndOutputsStillMatch() throws Exception {
    Path input = dir.resolve("s.csv");
    SampleGenerator.write(input, 12_000, 5);
    long bytes = Files.size(input);
    long chunkBytes = 16 << 10;
    BallastRun.Outcome outcome =
        BallastRun.run(dir.resolve("out"), List.of(input.toString()), chunkBytes, 4, 60);

    assertSameAsReferences(input, dir.resolve("out"));
    int chunks = outcome.result().chunks();
    assertTrue(chunks >= bytes / chunkBytes, "chunks: " + chunks);
    StageTimes t = outcome.times();
    assertTrue(t.processRuns() >= 3, "the process stage should have continued as new: " + t.describe());
    assertEquals(chunks, t.chunkActivities(), t.describe());
  }

  private static void assertSameAsReferences(Path input, Path out) throws Exception {
    ReferenceSettlement.Result expected =
        ReferenceSettlement.compute(List.of(input), ReferenceJob.DEFAULT_RATES);
    assertEquals(expected.settlementCsv(), Files.readString(out.resolve("settlement.csv")));
    assertEquals(expected.rejectsJsonl(), Files.readString(out.resolve("rejects.jsonl")));
    Path ref = out.resolveSibling("reference");
    new ReferenceJob(ReferenceJob.DEFAULT_RATES).run(List.of(input), ref);
    assertEquals(-1L, Files.mismatch(ref.resolve("settlement.csv"), out.resolve("settlement.csv")));
    assertEquals(-1L, Files.mismatch(ref.resolve("rejects.jsonl"), out.resolve("rejects.jsonl")));
  }
}
