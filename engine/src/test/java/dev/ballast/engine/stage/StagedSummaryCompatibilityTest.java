package dev.ballast.engine.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.model.Counts;
import dev.ballast.engine.stage.StagedRecords.ChunkSummary;
import dev.ballast.engine.stage.StagedRecords.SegmentInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk summary staged by a version that called the skipped count {@code pending} is still read,
 * so a job staged before an upgrade reuses its finished chunks after it.
 */
class StagedSummaryCompatibilityTest {
  @TempDir Path chunks;

  @Test
  void aSummaryWithPendingCountsReadsAsSkipped() throws Exception {
    ChunkSummary summary =
        new ChunkSummary(
            1, "settlement", 3, "a.csv", 20, 1020, 2, "0a1b2c3d", "ab".repeat(32), new Counts(10, 7, 2, 1),
            List.of(
                new SegmentInfo(0, 20, 500, 2, 6, new Counts(4, 3, 1, 0), 100, "cd".repeat(32), 0, "ef".repeat(32)),
                new SegmentInfo(1, 500, 1020, 6, 12, new Counts(6, 4, 1, 1), 120, "12".repeat(32), 40, "34".repeat(32))));
    StagedRecords.writeSummary(chunks, summary);
    Path file = StagedRecords.summaryFile(chunks, 3);
    String written = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(written.contains("\"skipped\""), written);

    Files.writeString(file, written.replace("\"skipped\"", "\"pending\""), StandardCharsets.UTF_8);
    assertEquals(summary, StagedRecords.readSummary(chunks, 3));
  }
}
