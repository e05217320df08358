package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGeneratorTest {
  @TempDir Path dir;

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    SampleGenerator.write(a, 5000, 9);
    SampleGenerator.write(b, 5000, 9);
    SampleGenerator.write(c, 5000, 10);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
  }

  @Test
  void realisticMixOfRowsAndEveryRejectReason() throws IOException {
    Path f = dir.resolve("sample.csv");
    long rows = 40_000;
    SampleGenerator.write(f, rows, 5);
    String text = Files.readString(f, StandardCharsets.UTF_8);
    String header = text.substring(0, text.indexOf('\n'));
    assertTrue(header.contains("channel"), header);
    assertFalse(header.startsWith("txn_id,merchant_id,amount,currency,status,created_at"), header);
    assertTrue(text.contains("\n\n"), "some blank lines");
    assertTrue(text.contains("-08:00") && text.contains("+14:00"), "offsets");
    assertTrue(Pattern.compile(":[0-9]{2}Z[,\n]").matcher(text).find(), "UTC timestamps");
    assertTrue(Pattern.compile(":[0-9]{2}\\.[0-9]{1,9}(Z|[+-])").matcher(text).find(), "fractional seconds");
    assertTrue(text.contains("\"Acme, Inc."), "merchant ids with commas are quoted");
    assertTrue(text.contains("\"\"Best\"\""), "merchant ids with quotes are escaped");

    ReferenceSettlement.Result r =
        ReferenceSettlement.compute(List.of(f), SettlementJobType.DEFAULT_RATES);
    assertEquals(rows, r.rows());
    double rejected = 100.0 * r.rejected() / rows;
    double pending = 100.0 * r.pending() / rows;
    assertTrue(rejected >= 3 && rejected <= 5, "rejected % " + rejected);
    assertTrue(pending >= 8 && pending <= 12, "pending % " + pending);
    Set<String> reasons = new TreeSet<>();
    Matcher m = Pattern.compile("\"reason\":\"([A-Z_]+)\"").matcher(r.rejectsJsonl());
    while (m.find()) {
      reasons.add(m.group(1));
    }
    assertEquals(
        Set.of("BAD_QUOTING", "FIELD_COUNT", "MISSING_FIELD", "BAD_AMOUNT", "BAD_CURRENCY", "BAD_STATUS",
            "BAD_TIMESTAMP"),
        reasons);
    Set<String> currencies = new TreeSet<>();
    Set<String> merchants = new TreeSet<>();
    for (String line : r.settlementCsv().split("\n")) {
      merchants.add(line.replaceFirst("(,[^,]+){5}$", ""));
    }
    for (String cur : List.of("USD", "EUR", "GBP", "JPY")) {
      if (text.contains("," + cur + ",") || text.contains("," + cur + "\n")) {
        currencies.add(cur);
      }
    }
    assertEquals(4, currencies.size());
    assertTrue(merchants.size() > 100 && merchants.size() <= 1001, "merchants " + merchants.size());
    long dates =
        Arrays.stream(r.settlementCsv().split("\n"))
            .skip(1)
            .map(l -> l.replaceAll(".*,([0-9]{4}-[0-9]{2}-[0-9]{2}),.*", "$1"))
            .distinct()
            .count();
    assertTrue(dates >= 7 && dates <= 10, "dates " + dates);
  }
}
