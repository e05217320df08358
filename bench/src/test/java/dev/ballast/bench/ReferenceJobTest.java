package dev.ballast.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's two hand-written baselines, the naive {@link ReferenceJob} and the
 * straightforward {@link StraightforwardJob}, agree with the test suite's reference implementation
 * (which the engine is checked against), on generated and on adversarial inputs.
 */
class ReferenceJobTest {
  @TempDir Path dir;

  @Test
  void generatedInputMatchesTheTestReference() throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 20_000, 11);
    assertSame(List.of(input));
  }

  @Test
  void adversarialRowsMatchTheTestReference() throws Exception {
    Path input = dir.resolve("odd.csv");
    String text =
        "\uFEFFamount,\"currency\",txn_id,merchant_id,status,created_at,note\n"
            + "1.00,USD,t1,\"Acme, \"\"Inc\"\"\",SETTLED,2024-02-29T23:30:00-01:00,x\r\n"
            + "\n"
            + "0.005,EUR,t2,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "92233720368547758.07,USD,t3,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "92233720368547758.08,USD,t4,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "92233720368547758.07,GBP,t5,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "0.5,JPY,t6,m,REFUNDED,2024-01-01T00:00:00.999999999+14:00,\n"
            + "1,USD,t7,m,SETTLED,2023-02-29T00:00:00Z,\n"
            + "1,USD,t8,m,SETTLED,2024-01-01T00:00:00+18:01,\n"
            + "1,usd,t9,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t10,\"m\"x,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t11,m,PENDING,2024-01-01T00:00:00Z\n"
            + "1,USD,t12,\uD83D\uDE00,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t13,\uFF5E,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t15,back\\slash\ttab\u0007bell,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t16,m,SETTLED,2024-01-01T00:00:00.Z,\n"
            + "1,USD,t17,m,SETTLED,2024-01-01T00:00Z,\n"
            + "1,USD,t18,m,SETTLED,2024-01-01T00:00:00.1234567890Z,\n"
            + "1.,USD,t19,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + ".5,USD,t20,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1.001,USD,t21,m,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t22,\"unterminated,SETTLED,2024-01-01T00:00:00Z,\n"
            + "1,USD,t23,m,SETTLED,2024-01-01T00:00:00+0100,\n"
            + "2.5,EUR,t14,caf\u00e9,SETTLED,2024-03-01T00:00:00+01:00,last";
    Files.writeString(input, text, StandardCharsets.UTF_8);
    assertSame(List.of(input));
  }

  private void assertSame(List<Path> inputs) throws Exception {
    ReferenceSettlement.Result expected = ReferenceSettlement.compute(inputs, ReferenceJob.DEFAULT_RATES);
    Path naive = dir.resolve("out-naive");
    assertSame(expected, naive, new ReferenceJob(ReferenceJob.DEFAULT_RATES).run(inputs, naive));
    Path plain = dir.resolve("out-straightforward");
    assertSame(expected, plain, new StraightforwardJob(ReferenceJob.DEFAULT_RATES).run(inputs, plain));
  }

  private static void assertSame(ReferenceSettlement.Result expected, Path out, long[] counts)
      throws Exception {
    assertEquals(expected.settlementCsv(), Files.readString(out.resolve("settlement.csv")));
    assertEquals(expected.rejectsJsonl(), Files.readString(out.resolve("rejects.jsonl")));
    assertArrayEquals(
        new long[] {expected.rows(), expected.accepted(), expected.pending(), expected.rejected()}, counts);
  }
}
