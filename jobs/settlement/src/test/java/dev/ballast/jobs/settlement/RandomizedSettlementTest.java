package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated and fuzzed inputs through chunk + merge with random chunk boundaries, compared byte
 * for byte with {@link ReferenceSettlement}.
 */
@Timeout(120)
class RandomizedSettlementTest {
  private static SettlementHarness harness;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    harness = new SettlementHarness(1500);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private void assertSameAsReference(List<Path> files, Map<String, Object> params, long seed)
      throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<ChunkRef> refs = SettlementHarness.plan(files, pos -> 1 + rnd.nextLong(6000));
    Path staging = SettlementHarness.stagingDir(dir.resolve("out"), "job-" + seed);
    SettlementHarness.Run run = harness.run(staging, params, refs);
    Map<String, BigDecimal> rates = rates(new SettlementJobType(), params);
    ReferenceSettlement.Result ref = ReferenceSettlement.compute(files, rates);
    assertEquals(ref.settlementCsv(), run.settlementCsv(), "settlement.csv, seed " + seed);
    assertEquals(ref.rejectsJsonl(), run.rejectsJsonl(), "rejects.jsonl, seed " + seed);
    assertEquals(new Counts(ref.rows(), ref.accepted(), ref.pending(), ref.rejected()), run.counts());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void generatedFilesWithRandomChunks(long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path f = dir.resolve("gen-" + i + ".csv");
      SampleGenerator.write(f, 1000 + rnd.nextInt(3000), seed * 31 + i);
      if (i == 1) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Files.writeString(f, "\uFEFF" + text.replace("\n", "\r\n"), StandardCharsets.UTF_8);
      }
      files.add(f);
    }
    assertSameAsReference(files, Map.of(), seed);
  }

  @Test
  void generatedFilesWithCustomRates() throws IOException {
    Path f = dir.resolve("rates.csv");
    SampleGenerator.write(f, 3000, 77);
    assertSameAsReference(
        List.of(f), Map.of("rates", Map.of("USD", "1", "EUR", 1.5, "JPY", "0.00675", "CHF", 1.13)), 77);
  }

  private static final String[] TOKENS = {
    "", "a", "m1", "m,2", "\"", "\"\"", ",", ",,", "\r", " ", "x\"y", "\u00e9", "\uD83D\uDE00", "\uFF5E",
    "1", "0", "10.5", "0.01", "007", "1.234", "99999999999999999999", "USD", "EUR", "JPY", "GBP",
    "usd", "SETTLED", "REFUNDED", "PENDING", "2024-02-29T23:59:59.5-00:30", "2024-01-01T00:00:00Z",
    "2023-02-29T00:00:00Z", "2024-12-31T22:00:00-03:00", "2024-06-30T01:00:00+14:00",
  };

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14})
  void fuzzedLines(long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (rnd.nextBoolean()) {
        out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      out.writeBytes("currency,txn_id,amount,merchant_id,created_at,status\n".getBytes(StandardCharsets.UTF_8));
      for (int line = 0; line < 1500; line++) {
        StringBuilder row = new StringBuilder();
        if (rnd.nextInt(10) < 7) {
          String[] good = {
            pick(rnd, "USD", "EUR", "JPY", "GBP", "usd", ""),
            pick(rnd, "t1", "", "\"t\"\"2\""),
            pick(rnd, "1", "0.5", "12.34", "1500", "0", "1.2.3", "\"7.25\""),
            pick(rnd, "m1", "\"m,1\"", "M", "\u00e9", "\uD83D\uDE00x", "\uFF5Ex", "\"q\"\"q\"", "a\rb", ""),
            pick(rnd, "2024-02-29T23:59:59.5-00:30", "2024-03-01T00:10:00+01:00", "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00.1234567890Z", "2023-02-29T00:00:00Z"),
            pick(rnd, "SETTLED", "REFUNDED", "PENDING", "settled")
          };
          row.append(String.join(",", good));
        } else {
          int n = rnd.nextInt(8);
          for (int k = 0; k < n; k++) {
            row.append(TOKENS[rnd.nextInt(TOKENS.length)]);
          }
        }
        byte[] bytes = row.toString().getBytes(StandardCharsets.UTF_8);
        if (rnd.nextInt(20) == 0) {
          // invalid UTF-8 somewhere in the line: truncated sequences, a stray byte, a surrogate
          byte[][] bad = {{(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF},
              {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
          byte[] insert = bad[rnd.nextInt(bad.length)];
          int at = rnd.nextInt(bytes.length + 1);
          out.write(bytes, 0, at);
          out.writeBytes(insert);
          out.write(bytes, at, bytes.length - at);
        } else {
          out.writeBytes(bytes);
        }
        out.writeBytes((rnd.nextInt(3) == 0 ? "\r\n" : "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (rnd.nextBoolean()) {
        out.writeBytes("t9,5,USD,m9,2024-01-01T00:00:00Z,SETTLED".getBytes(StandardCharsets.UTF_8));
      }
      Path f = dir.resolve("fuzz-" + i + ".csv");
      Files.write(f, out.toByteArray());
      files.add(f);
    }
    assertSameAsReference(files, Map.of(), seed);
  }

  private static String pick(SplittableRandom rnd, String... options) {
    return options[rnd.nextInt(options.length)];
  }

  /** The rates a job with {@code parameters} uses, as the engine binds them. */
  static Map<String, BigDecimal> rates(SettlementJobType type, Map<String, ?> parameters) {
    @SuppressWarnings("unchecked")
    Map<String, Object> given = (Map<String, Object>) parameters;
    return TypedParameters.check(type, given).rates();
  }
}
