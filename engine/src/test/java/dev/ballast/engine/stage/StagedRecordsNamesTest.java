package dev.ballast.engine.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Staged file names keep the zero-padded form String.format gave them (resumes find old files). */
class StagedRecordsNamesTest {
  @Test
  void namesMatchTheFormatterForEveryWidth() {
    int[] values = {0, 7, 42, 999, 1000, 9999, 10000, 123456, 999999, 1000000, Integer.MAX_VALUE, -1, -12345};
    for (int v : values) {
      assertEquals(String.format("%06d", v), StagedRecords.zeroPadded(v, 6));
      assertEquals(String.format("%04d", v), StagedRecords.zeroPadded(v, 4));
    }
    Path dir = Path.of("chunks");
    assertEquals(dir.resolve("chunk-000012.seg-0003.acc"), StagedRecords.accFile(dir, 12, 3));
    assertEquals(dir.resolve("chunk-000012.seg-12345.rejects.jsonl"), StagedRecords.rejectsFile(dir, 12, 12345));
    assertEquals(dir.resolve("chunk-1234567.records.json"), StagedRecords.summaryFile(dir, 1234567));
  }
}
