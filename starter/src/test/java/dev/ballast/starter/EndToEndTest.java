package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a user takes: generate a sample, {@code ballast run} it on the embedded default,
 * compare the published outputs byte for byte with an independent reference implementation, then
 * {@code ballast verify} the result and catch a corrupted file.
 */
@Timeout(300)
class EndToEndTest {
  private static final Map<String, BigDecimal> DEFAULT_RATES =
      Map.of(
          "USD", new BigDecimal("1"),
          "EUR", new BigDecimal("1.08"),
          "GBP", new BigDecimal("1.27"),
          "JPY", new BigDecimal("0.0067"));

  @Test
  void settlementOnTheEmbeddedDefaultMatchesTheReference(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("data/sample.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, 200_000, 7);
    Path out = dir.resolve("data/out");

    Cli.Result run =
        Cli.run(
            Map.of(),
            dir,
            "run",
            "--type", "settlement",
            "--input", input.toString(),
            "--output", out.toString(),
            "--chunk-bytes", "262144");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("completed"), run.out());
    assertTrue(run.out().contains(out.resolve("settlement.csv").toString()), run.out());

    ReferenceSettlement.Result expected = ReferenceSettlement.compute(List.of(input), DEFAULT_RATES);
    assertSameBytes(expected.settlementCsv(), out.resolve("settlement.csv"));
    assertSameBytes(expected.rejectsJsonl(), out.resolve("rejects.jsonl"));

    JsonNode counts = findCounts(new ObjectMapper().readTree(out.resolve("manifest.json").toFile()));
    assertNotNull(counts, "no counts (rows, accepted, skipped, rejected) in manifest.json");
    assertEquals(expected.rows(), counts.get("rows").asLong());
    assertEquals(expected.accepted(), counts.get("accepted").asLong());
    assertEquals(expected.pending(), counts.get("skipped").asLong()); // PENDING rows are skipped
    assertEquals(expected.rejected(), counts.get("rejected").asLong());
    assertEquals(200_000, expected.rows());

    Cli.Result verified = Cli.run(Map.of(), dir, "verify", out.toString());
    assertEquals(0, verified.code(), verified.err());
    assertTrue(verified.out().startsWith("ok: "), verified.out());

    Path csv = out.resolve("settlement.csv");
    byte[] bytes = Files.readAllBytes(csv);
    int middle = bytes.length / 2;
    bytes[middle] = (byte) (bytes[middle] == '0' ? '1' : '0');
    Files.write(csv, bytes);
    Cli.Result corrupted = Cli.run(Map.of(), dir, "verify", out.toString());
    assertNotEquals(0, corrupted.code());
    assertTrue(corrupted.err().contains("settlement.csv"), corrupted.err());
  }

  @Test
  void aFailingJobExitsOneWithItsReasonOnOneLine(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("orders.csv");
    Files.writeString(input, "order_id,total\n1,9.99\n");
    Cli.Result run =
        Cli.run(
            Map.of(), dir,
            "run", "--type", "settlement", "--input", input.toString(), "--output", dir.resolve("out").toString());
    assertEquals(ExitCodes.JOB_FAILED, run.code(), run.out() + run.err());
    assertEquals(1, run.errLines(), run.err());
    assertTrue(run.err().contains("BAD_HEADER"), run.err());
    assertTrue(run.err().contains("orders.csv lacks required column 'txn_id'"), run.err());
  }

  private static void assertSameBytes(String expected, Path actual) throws Exception {
    byte[] want = expected.getBytes(StandardCharsets.UTF_8);
    byte[] got = Files.readAllBytes(actual);
    if (!Arrays.equals(want, got)) {
      int i = Arrays.mismatch(want, got);
      int from = Math.max(0, i - 80);
      throw new AssertionError(
          actual.getFileName() + " differs from the reference at byte " + i + ":\nexpected ..."
              + new String(want, from, Math.min(want.length, i + 80) - from, StandardCharsets.UTF_8)
              + "\nactual   ..."
              + new String(got, from, Math.min(got.length, i + 80) - from, StandardCharsets.UTF_8));
    }
  }

  /** The first object in {@code node} holding rows, accepted, skipped and rejected. */
  private static JsonNode findCounts(JsonNode node) {
    if (node.isObject()
        && node.has("rows") && node.has("accepted") && node.has("skipped") && node.has("rejected")) {
      return node;
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      JsonNode found = findCounts(it.next());
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
