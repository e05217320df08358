package dev.ballast.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PlanRef;
import dev.ballast.engine.files.Manifest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedPlanTest {
  @TempDir Path staging;

  private static ChunkRef chunk(int i, int file) {
    return new ChunkRef(i, file, "/data/in/f" + file + ".csv", "f" + file + ".csv", 10L * i, 10L * i + 10,
        2 + i, String.format("%08x", i));
  }

  private static InputFile input(int i) {
    return new InputFile(i, "/data/in/f" + i + ".csv", "f" + i + ".csv", 100 + i, "ab".repeat(32), 1000L * i);
  }

  /** Writes a plan of {@code chunks} chunks over {@code inputs} files. */
  private PlanRef write(int inputs, int chunks) throws IOException {
    try (StagedPlan.Writer writer = new StagedPlan.Writer(staging)) {
      for (int f = 0; f < inputs; f++) {
        writer.add(input(f));
      }
      for (int i = 0; i < chunks; i++) {
        writer.add(chunk(i, i % Math.max(1, inputs)));
      }
      return writer.finish();
    }
  }

  @Test
  void everyChunkAndInputComesBackInOrderAcrossBlocksAndPages() throws IOException {
    int n = 3 * StagedPlan.BLOCK + 17;
    PlanRef ref = write(5, n);
    assertEquals(n, ref.chunks());
    assertEquals(5, ref.inputs());
    assertEquals(10L * n, ref.bytes());

    StagedPlan plan = StagedPlan.open(staging, ref);
    List<ChunkRef> all = new ArrayList<>();
    plan.forEachChunk(all::add);
    assertEquals(n, all.size());
    for (int i = 0; i < n; i++) {
      assertEquals(chunk(i, i % 5), all.get(i));
    }
    List<InputFile> inputs = new ArrayList<>();
    plan.forEachInput(inputs::add);
    assertEquals(List.of(input(0), input(1), input(2), input(3), input(4)), inputs);

    // A page across a block boundary, one limited by size, and the last one.
    assertEquals(all.subList(1000, 1100), plan.chunks(1000, 100, Integer.MAX_VALUE));
    List<ChunkRef> small = plan.chunks(5, 500, 1000);
    assertTrue(small.size() > 1 && small.size() < 20, "a page holds what fits: " + small.size());
    assertEquals(all.subList(5, 5 + small.size()), small);
    assertEquals(List.of(all.get(n - 1)), plan.chunks(n - 1, 500, Integer.MAX_VALUE));
    assertEquals(1, plan.chunks(7, 500, 1).size(), "at least one chunk whatever the limit");

    // Ranges: within a block, across blocks, up to the end, and empty.
    for (int[] range : new int[][] {{3, 40}, {1000, 2100}, {n / 2, n}, {0, n}, {n, n}, {5, 5}}) {
      List<ChunkRef> some = new ArrayList<>();
      plan.forEachChunk(range[0], range[1], some::add);
      assertEquals(all.subList(range[0], range[1]), some, range[0] + " to " + range[1]);
    }
    assertThrows(IllegalArgumentException.class, () -> plan.forEachChunk(0, n + 1, c -> { }));
  }

  @Test
  void aPlanReplannedOrDamagedAfterItWasRecordedIsRefused() throws IOException {
    PlanRef ref = write(2, 2 * StagedPlan.BLOCK);
    PlanRef other = new PlanRef("00".repeat(32), ref.chunks(), ref.inputs(), ref.bytes());
    ApplicationFailure replanned =
        assertThrows(ApplicationFailure.class, () -> StagedPlan.open(staging, other));
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), replanned.getType());

    Path chunks = staging.resolve("plan/chunks.jsonl");
    byte[] bytes = Files.readAllBytes(chunks);
    bytes[bytes.length - 5] ^= 1;
    Files.write(chunks, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    StagedPlan plan = StagedPlan.open(staging, ref);
    assertEquals(10, plan.chunks(0, 10, Integer.MAX_VALUE).size(), "the first block is intact");
    ApplicationFailure damaged =
        assertThrows(ApplicationFailure.class, () -> plan.chunks(StagedPlan.BLOCK + 3, 10, Integer.MAX_VALUE));
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), damaged.getType());
  }

  @Test
  void aWriterClosedWithoutFinishingLeavesNoPlan() throws IOException {
    try (StagedPlan.Writer writer = new StagedPlan.Writer(staging)) {
      writer.add(input(0));
      writer.add(chunk(0, 0));
    }
    try (var files = Files.list(staging.resolve("plan"))) {
      assertFalse(files.findAny().isPresent(), "no plan files left");
    }
  }

  @Test
  void theStreamedManifestHasTheBytesOfTheManifestBuiltInMemory() throws IOException {
    PlanRef ref = write(3, 3);
    StagedPlan plan = StagedPlan.open(staging, ref);
    List<InputFile> inputs = new ArrayList<>();
    plan.forEachInput(inputs::add);
    List<OutputFile> outputs = List.of(new OutputFile("settlement.csv", 12, "cd".repeat(32)));
    Counts counts = new Counts(10, 7, 2, 1);
    Path streamed = staging.resolve("streamed.json");
    Manifest.write(streamed, "job-1", "2026-11-27T00:00:00Z", "2026-11-27T00:01:00Z", plan::forEachInput,
        counts, outputs);
    byte[] inMemory =
        Manifest.of("job-1", "2026-11-27T00:00:00Z", "2026-11-27T00:01:00Z", inputs, counts, outputs).toBytes();
    assertEquals(new String(inMemory, java.nio.charset.StandardCharsets.UTF_8),
        Files.readString(streamed));
  }
}
