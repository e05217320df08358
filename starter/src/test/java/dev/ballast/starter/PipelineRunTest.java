package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.job.source.Csv;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast run} of a two-stage pipeline spec on the embedded default, failing then resuming. */
class PipelineRunTest {
  private static String spec(String column) {
    return "{\"id\": \"nightly\", \"stages\": ["
        + "{\"type\": \"settlement\", \"inputs\": [\"in.csv\"], \"output\": \"settled\", \"chunkBytes\": 65536},"
        + "{\"type\": \"wordcount\", \"output\": \"merchants\", \"parameters\": {\"column\": \"" + column + "\"}}]}";
  }

  @Test
  void jobFlagsWithAPipelineSpecAreRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    SampleGenerator.write(dir.resolve("in.csv"), 100, 3);
    Files.writeString(dir.resolve("nightly.json"), spec("merchant_id"));
    for (List<String> flags :
        List.of(
            List.of("--alert-webhook", "http://127.0.0.1:9/hook"),
            List.of("--alert-on-success"),
            List.of("--chunk-bytes", "1m"))) {
      List<String> args = new java.util.ArrayList<>(List.of("run", "nightly.json"));
      args.addAll(flags);
      Cli.Result r = Cli.run(Map.of(), dir, args.toArray(String[]::new));
      assertEquals(ExitCodes.USAGE, r.code(), flags + ": " + r.out() + r.err());
      assertTrue(r.err().contains("a pipeline spec takes no job flags but --id"), r.err());
      assertFalse(Files.exists(dir.resolve("settled")), flags + ": nothing ran");
    }
  }

  @Test
  void aFailedSecondStageResumesThereWithoutRerunningTheFirst(@TempDir Path dir) throws Exception {
    SampleGenerator.write(dir.resolve("in.csv"), 20_000, 3);
    Files.writeString(dir.resolve("nightly.json"), spec("merchant"));

    Cli.Result failed = Cli.run(Map.of(), dir, "run", "nightly.json");
    assertEquals(ExitCodes.JOB_FAILED, failed.code(), failed.out() + failed.err());
    assertTrue(failed.err().contains("lacks column 'merchant'"), failed.err());
    assertTrue(Files.exists(dir.resolve("settled/manifest.json")), "stage 1 published");
    assertFalse(Files.exists(dir.resolve("merchants/manifest.json")), "stage 2 published nothing");
    String stage1Manifest = Files.readString(dir.resolve("settled/manifest.json"));
    assertTrue(stage1Manifest.contains("\"jobId\" : \"nightly.1-settlement\""), stage1Manifest);

    Files.writeString(dir.resolve("nightly.json"), spec("merchant_id"));
    Cli.Result resumed = Cli.run(Map.of(), dir, "run", "nightly.json");
    assertEquals(0, resumed.code(), resumed.out() + resumed.err());
    assertTrue(resumed.out().contains("1. nightly.1-settlement (skipped: published earlier)"), resumed.out());
    assertEquals(stage1Manifest, Files.readString(dir.resolve("settled/manifest.json")), "stage 1 not run again");

    // Stage 2 read stage 1's settlement.csv: the words of every merchant id, one line per (merchant, date).
    List<String> settled = Files.readAllLines(dir.resolve("settled/settlement.csv"));
    long words = 0;
    for (String line : settled.subList(1, settled.size())) {
      String merchant = Csv.split(line).get(0);
      words += List.of(merchant.split("[^\\p{L}\\p{Nd}]+")).stream().filter(w -> !w.isEmpty()).count();
    }
    List<String> counted = Files.readAllLines(dir.resolve("merchants/wordcount.csv"));
    long total = counted.stream().skip(1).mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(',') + 1))).sum();
    assertEquals(words, total);
    assertTrue(words > settled.size() - 1, "merchant ids have several words");
  }

  @Test
  void settlementThenLoadIntoPostgresLeavesTheTableEqualToTheSettlement(@TempDir Path dir) throws Exception {
    TestPostgres pg = TestPostgres.require();
    String table = "pipeline_settlement_" + ProcessHandle.current().pid();
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (merchant_id text, date date, txn_count integer, gross_usd_cents bigint,"
          + " refunds_usd_cents bigint, net_usd_cents bigint, PRIMARY KEY (merchant_id, date))");
    }
    SampleGenerator.write(dir.resolve("in.csv"), 30_000, 5);
    Files.writeString(dir.resolve("pw"), pg.password == null ? "" : pg.password);
    Files.writeString(dir.resolve("nightly.json"), "{\"id\": \"to-db\", \"stages\": ["
        + "{\"type\": \"settlement\", \"inputs\": [\"in.csv\"], \"output\": \"settled\"},"
        + "{\"type\": \"load\", \"output\": \"loaded\", \"chunkBytes\": 65536, \"parameters\": {\"table\": \"" + table
        + "\", \"key\": [\"merchant_id\", \"date\"], \"sumColumn\": \"net_usd_cents\", \"url\": \"" + pg.url + "\","
        + (pg.user == null ? "" : " \"user\": \"" + pg.user + "\",") + " \"passwordFile\": \"" + dir.resolve("pw") + "\"}}]}");
    try {
      Cli.Result run = Cli.run(Map.of(), dir, "run", "nightly.json");
      assertEquals(0, run.code(), run.out() + run.err());

      List<String> settled = Files.readAllLines(dir.resolve("settled/settlement.csv"));
      long net = 0;
      for (String line : settled.subList(1, settled.size())) {
        List<String> fields = Csv.split(line);
        net += Long.parseLong(fields.get(5));
      }
      try (Connection c = pg.connect(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), sum(net_usd_cents) FROM " + table)) {
        r.next();
        assertEquals(settled.size() - 1, r.getLong(1));
        assertEquals(net, r.getLong(2));
      }
      assertTrue(Files.readString(dir.resolve("loaded/load.json")).contains("\"sum\" : \"" + net + "\""));
    } finally {
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
