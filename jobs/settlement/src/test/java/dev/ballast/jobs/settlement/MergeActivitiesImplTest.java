package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.OutputFile;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.stage.StagedRecords;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MergeActivitiesImplTest {
  private static SettlementHarness harness;

  @TempDir Path dir;
  private List<Path> files;
  private List<ChunkRef> refs;
  private Path staging;
  private Counts counts;
  private List<ChunkResult> results;

  @BeforeAll
  static void start() {
    harness = new SettlementHarness(2048);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void processChunks() throws IOException {
    files = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path f = dir.resolve("in").resolve("part-" + i + ".csv");
      Files.createDirectories(f.getParent());
      SampleGenerator.write(f, 800, 100 + i);
      files.add(f);
    }
    refs = SettlementHarness.plan(files, 9000);
    assertTrue(refs.size() >= 4);
    staging = SettlementHarness.stagingDir(dir.resolve("out"), "job");
    counts = Counts.ZERO;
    results = new ArrayList<>();
    for (ChunkRef ref : refs) {
      ChunkResult r = harness.chunks().processChunk(harness.task(staging, Map.of(), ref));
      results.add(r);
      counts = counts.plus(r.counts());
    }
  }

  private ApplicationFailure mergeFails() {
    ActivityFailure e =
        assertThrows(
            ActivityFailure.class, () -> harness.merge(staging, Map.of(), refs, counts, results));
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  @Test
  void mergesInChunkOrderAndDescribesOutputs() throws IOException {
    SettlementHarness.Run run = harness.merge(staging, Map.of(), refs, counts, results);
    ReferenceSettlement.Result ref = ReferenceSettlement.compute(files, SettlementJobType.DEFAULT_RATES);
    assertEquals(ref.settlementCsv(), run.settlementCsv());
    assertEquals(ref.rejectsJsonl(), run.rejectsJsonl());
    assertEquals(counts, run.counts());
    Path out = StagingLayout.ofStagingDir(staging).outDir();
    List<OutputFile> outputs = run.merge().outputs();
    assertEquals(List.of("settlement.csv", "rejects.jsonl"), outputs.stream().map(OutputFile::name).toList());
    for (OutputFile o : outputs) {
      byte[] bytes = Files.readAllBytes(out.resolve(o.name()));
      assertEquals(bytes.length, o.bytes());
      assertEquals(dev.ballast.engine.files.Fingerprints.sha256(bytes), o.sha256());
    }
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(2, left.count(), "no temporary files left");
    }
    // Merging again gives the same bytes.
    assertEquals(run.merge(), harness.merge(staging, Map.of(), refs, counts, results).merge());
  }

  @Test
  void missingSummaryIsCorrupt() throws IOException {
    Files.delete(StagedRecords.summaryFile(StagingLayout.ofStagingDir(staging).chunksDir(), refs.get(1).index()));
    ApplicationFailure f = mergeFails();
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), f.getType());
    assertFalse(f.isNonRetryable());
  }

  @Test
  void tamperedSegmentFilesAreCorrupt() throws IOException {
    Path chunks = StagingLayout.ofStagingDir(staging).chunksDir();
    Path agg = StagedRecords.accFile(chunks, refs.get(2).index(), 0);
    byte[] b = Files.readAllBytes(agg);
    b[b.length - 5] ^= 1;
    Files.write(agg, b);
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), mergeFails().getType());
  }

  @Test
  void tamperedRejectsAreCorruptAndNothingIsPublishedHalfway() throws IOException {
    Path chunks = StagingLayout.ofStagingDir(staging).chunksDir();
    Path rejects = StagedRecords.rejectsFile(chunks, refs.get(refs.size() - 1).index(), 0);
    Files.writeString(rejects, Files.readString(rejects) + "{}\n");
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), mergeFails().getType());
    Path out = StagingLayout.ofStagingDir(staging).outDir();
    assertFalse(Files.exists(out.resolve("rejects.jsonl")));
    try (Stream<Path> left = Files.list(out)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(".tmp")));
    }
  }

  @Test
  void missingSegmentIsCorrupt() throws IOException {
    Path chunks = StagingLayout.ofStagingDir(staging).chunksDir();
    Files.delete(StagedRecords.rejectsFile(chunks, refs.get(0).index(), 0));
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), mergeFails().getType());
  }

  @Test
  void countsMustMatchTheProcessStage() {
    counts = counts.plus(new Counts(1, 1, 0, 0));
    ApplicationFailure f = mergeFails();
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), f.getType());
    assertTrue(f.getOriginalMessage().contains("reported"), f.getOriginalMessage());
  }
}
