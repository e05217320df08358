package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.api.model.Counts;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.testkit.ReferenceSettlement;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settlement contract, row by row: each case runs through the real chunk and merge activities
 * (small chunks and segments, so boundaries fall everywhere) and is checked against hand-written
 * expectations and against {@link ReferenceSettlement}.
 */
class SettlementRulesTest {
  private static final String HEADER = "txn_id,merchant_id,amount,currency,status,created_at\n";
  private static final String CSV_HEADER =
      "merchant_id,date,txn_count,gross_usd_cents,refunds_usd_cents,net_usd_cents\n";

  private static SettlementHarness harness;

  @TempDir Path dir;
  private int jobs;

  @BeforeAll
  static void start() {
    harness = new SettlementHarness(48);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private SettlementHarness.Run run(Map<String, Object> params, byte[]... contents) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < contents.length; i++) {
      Path f = dir.resolve("in").resolve((char) ('a' + i) + ".csv");
      Files.createDirectories(f.getParent());
      Files.write(f, contents[i]);
      files.add(f);
    }
    Path staging = SettlementHarness.stagingDir(dir.resolve("out"), "job" + (++jobs));
    SettlementHarness.Run run =
        harness.run(staging, params, SettlementHarness.plan(files, 37));
    ReferenceSettlement.Result ref =
        ReferenceSettlement.compute(files, rates(new SettlementJobType(), params));
    assertEquals(ref.settlementCsv(), run.settlementCsv(), "settlement.csv vs reference");
    assertEquals(ref.rejectsJsonl(), run.rejectsJsonl(), "rejects.jsonl vs reference");
    assertEquals(
        new Counts(ref.rows(), ref.accepted(), ref.pending(), ref.rejected()), run.counts(),
        "counts vs reference");
    return run;
  }

  private SettlementHarness.Run run(String... contents) throws IOException {
    byte[][] bytes = new byte[contents.length][];
    for (int i = 0; i < contents.length; i++) {
      bytes[i] = contents[i].getBytes(StandardCharsets.UTF_8);
    }
    return run(Map.of(), bytes);
  }

  private static String rej(String file, int line, String reason, String rawJson) {
    return "{\"file\":\"" + file + "\",\"line\":" + line + ",\"reason\":\"" + reason + "\",\"raw\":\""
        + rawJson + "\"}\n";
  }

  @Test
  void everyRejectReasonInCheckOrder() throws IOException {
    SettlementHarness.Run r =
        run(
            HEADER
                + "t1,m1,10.00,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t2,\"m1\",5,EUR,REFUNDED,2024-01-01T23:00:00Z\n"
                + "t3,m\"1,x,XXX,BAD,bad\n"
                + "t4,\"m1\"x,5,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t5,\"m1,5,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t6,m1,x,XXX,BAD\n"
                + ",m1,abc,XXX,BAD,bad\n"
                + "t8,m1,abc,XXX,BAD,bad\n"
                + "t9,m1,0.00,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t10,m1,1.234,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t11,m1,5,usd,BAD,bad\n"
                + "t12,m1,5,USD,settled,bad\n"
                + "t13,m1,5,USD,SETTLED,2024-02-30T00:00:00Z\n"
                + "t14,m1,5,USD,PENDING,2024-01-01T00:00:00Z\n"
                + "t15,m1,5,USD,PENDING,bad\n"
                + "\n"
                + "t16,,5,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t17,\"\",5,USD,SETTLED,2024-01-01T10:00:00Z\n"
                + "t18,m1,5,USD,SETTLED,2024-01-01T10:00:00Z,\n");
    assertEquals(CSV_HEADER + "m1,2024-01-01,2,1000,540,460\n", r.settlementCsv());
    assertEquals(
        rej("a.csv", 4, "BAD_QUOTING", "t3,m\\\"1,x,XXX,BAD,bad")
            + rej("a.csv", 5, "BAD_QUOTING", "t4,\\\"m1\\\"x,5,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 6, "BAD_QUOTING", "t5,\\\"m1,5,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 7, "FIELD_COUNT", "t6,m1,x,XXX,BAD")
            + rej("a.csv", 8, "MISSING_FIELD", ",m1,abc,XXX,BAD,bad")
            + rej("a.csv", 9, "BAD_AMOUNT", "t8,m1,abc,XXX,BAD,bad")
            + rej("a.csv", 10, "BAD_AMOUNT", "t9,m1,0.00,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 11, "BAD_AMOUNT", "t10,m1,1.234,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 12, "BAD_CURRENCY", "t11,m1,5,usd,BAD,bad")
            + rej("a.csv", 13, "BAD_STATUS", "t12,m1,5,USD,settled,bad")
            + rej("a.csv", 14, "BAD_TIMESTAMP", "t13,m1,5,USD,SETTLED,2024-02-30T00:00:00Z")
            + rej("a.csv", 16, "BAD_TIMESTAMP", "t15,m1,5,USD,PENDING,bad")
            + rej("a.csv", 18, "MISSING_FIELD", "t16,,5,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 19, "MISSING_FIELD", "t17,\\\"\\\",5,USD,SETTLED,2024-01-01T10:00:00Z")
            + rej("a.csv", 20, "FIELD_COUNT", "t18,m1,5,USD,SETTLED,2024-01-01T10:00:00Z,"),
        r.rejectsJsonl());
    assertEquals(new Counts(18, 2, 1, 15), r.counts());
  }

  @Test
  void amountsAreStrict() throws IOException {
    SettlementHarness.Run r =
        run(
            HEADER
                + "a,m,007.5,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "b,m,-1,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "c,m,1.,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "d,m,.5,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "e,m,1e3,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "f,m, 1,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "g,m,0,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "h,m,\"2.05\",USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "i,big,92233720368547758.07,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "j,m,92233720368547758.08,USD,SETTLED,2024-01-01T00:00:00Z\n"
                + "k,m,99999999999999999999999,XXX,SETTLED,2024-01-01T00:00:00Z\n"
                + "l,m,90000000000000000,EUR,SETTLED,2024-01-01T00:00:00Z\n"
                + "n,m,1,XXX,SETTLED,2024-01-01T00:00:00Z\n");
    assertEquals(
        CSV_HEADER
            + "big,2024-01-01,1,9223372036854775807,0,9223372036854775807\n"
            + "m,2024-01-01,2,955,0,955\n",
        r.settlementCsv());
    List<String> reasons = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"raw\":\"(.)[^\n]*").matcher(r.rejectsJsonl());
    while (m.find()) {
      reasons.add(m.group(1));
    }
    assertEquals(List.of("b", "c", "d", "e", "f", "g", "j", "k", "l", "n"), reasons);
    assertEquals(9, r.rejectsJsonl().split("BAD_AMOUNT", -1).length - 1);
    assertEquals(1, r.rejectsJsonl().split("BAD_CURRENCY", -1).length - 1);
  }

  @Test
  void halfEvenRoundingPerRowAndJpy() throws IOException {
    Map<String, Object> rates = Map.of("rates", Map.of("HLF", "0.5", "JPY", 0.0067, "EUR", "1.08"));
    String rows =
        HEADER
            + "1,h,0.01,HLF,SETTLED,2024-01-01T00:00:00Z\n" // 0.5 -> 0
            + "2,h,0.03,HLF,SETTLED,2024-01-01T00:00:00Z\n" // 1.5 -> 2
            + "3,h,0.05,HLF,SETTLED,2024-01-01T00:00:00Z\n" // 2.5 -> 2
            + "4,h,0.07,HLF,REFUNDED,2024-01-01T00:00:00Z\n" // 3.5 -> 4
            + "5,j,150,JPY,SETTLED,2024-01-01T00:00:00Z\n" // 100.5 -> 100
            + "6,j,450,JPY,SETTLED,2024-01-01T00:00:00Z\n" // 301.5 -> 302
            + "7,j,75,JPY,REFUNDED,2024-01-01T00:00:00Z\n" // 50.25 -> 50
            + "8,e,0.25,EUR,SETTLED,2024-01-01T00:00:00Z\n" // 27
            + "9,e,10.99,EUR,SETTLED,2024-01-01T00:00:00Z\n" // 1186.92 -> 1187
            + "10,u,1,USD,SETTLED,2024-01-01T00:00:00Z\n"; // USD not in the replaced table
    SettlementHarness.Run r = run(rates, rows.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        CSV_HEADER
            + "e,2024-01-01,2,1214,0,1214\n"
            + "h,2024-01-01,4,4,4,0\n"
            + "j,2024-01-01,3,402,50,352\n",
        r.settlementCsv());
    assertEquals(rej("a.csv", 11, "BAD_CURRENCY", "10,u,1,USD,SETTLED,2024-01-01T00:00:00Z"), r.rejectsJsonl());
  }

  @Test
  void currenciesAreMatchedExactlyIncludingNonAsciiAndQuoted() throws IOException {
    Map<String, Object> rates = Map.of("rates", Map.of("\u20ac", "2", "US\"D", 3, "usd", "5"));
    String rows =
        HEADER
            + "1,m,1,\u20ac,SETTLED,2024-01-01T00:00:00Z\n"
            + "2,m,1,\"US\"\"D\",SETTLED,2024-01-01T00:00:00Z\n"
            + "3,m,1,usd,SETTLED,2024-01-01T00:00:00Z\n"
            + "4,m,1,\"usd\",SETTLED,2024-01-01T00:00:00Z\n"
            + "5,m,1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "6,m,1,\u20ac ,SETTLED,2024-01-01T00:00:00Z\n";
    SettlementHarness.Run r = run(rates, rows.getBytes(StandardCharsets.UTF_8));
    assertEquals(CSV_HEADER + "m,2024-01-01,4,1500,0,1500\n", r.settlementCsv());
    assertEquals(new Counts(6, 4, 0, 2), r.counts());
  }

  @Test
  void timestampsUtcDatesLeapDaysAndFractions() throws IOException {
    String[] valid = {
      "2024-01-01T23:30:00-01:00", // 2024-01-02
      "2024-01-02T00:30:00+01:00", // 2024-01-01
      "2024-02-29T12:00:00Z",
      "2024-03-01T00:30:00+01:00", // 2024-02-29
      "2000-02-29T00:00:00Z",
      "2024-01-01T00:00:00.1Z",
      "2024-01-01T00:00:00.123456789+18:00", // 2023-12-31
      "2024-01-01T23:59:59.999999999-18:00", // 2024-01-02
      "2024-01-01T12:00:00-00:00",
    };
    String[] invalid = {
      "2023-02-29T12:00:00Z", "1900-02-29T12:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
      "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
      "2024-01-01T23:00:60Z", "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00.Z",
      "2024-01-01T00:00:00", "2024-01-01T00:00:00z", "2024-01-01t00:00:00Z", "2024-01-01 00:00:00Z",
      "2024-01-01T00:00:00+18:01", "2024-01-01T00:00:00+19:00", "2024-01-01T00:00:00+05:60",
      "2024-01-01T00:00:00+0500", "2024-01-01T00:00Z", "24-01-01T00:00:00Z", "+2024-01-01T00:00:00Z",
      "2024-1-01T00:00:00Z", "2024-01-01T00:00:00Z ", "\"2024-01-01T00:00:00Z\"\"\"",
    };
    StringBuilder in = new StringBuilder(HEADER);
    for (String t : valid) {
      in.append("t,m,1,USD,SETTLED,").append(t).append('\n');
    }
    for (String t : invalid) {
      in.append("t,m,1,USD,SETTLED,").append(t).append('\n');
    }
    SettlementHarness.Run r = run(in.toString());
    assertEquals(
        CSV_HEADER
            + "m,2000-02-29,1,100,0,100\n"
            + "m,2023-12-31,1,100,0,100\n"
            + "m,2024-01-01,3,300,0,300\n"
            + "m,2024-01-02,2,200,0,200\n"
            + "m,2024-02-29,2,200,0,200\n",
        r.settlementCsv());
    assertEquals(new Counts(valid.length + invalid.length, valid.length, 0, invalid.length), r.counts());
    assertEquals(invalid.length, r.rejectsJsonl().split("BAD_TIMESTAMP", -1).length - 1);
  }

  @Test
  void bomCrlfLoneCrBlankLinesAndLineNumbers() throws IOException {
    String text =
        "\uFEFFtxn_id,merchant_id,amount,currency,status,created_at\r\n"
            + "\r\n"
            + "t1,m1,1,USD,SETTLED,2024-01-01T00:00:00Z\r\n"
            + "\n"
            + "t2,m\r1,2,USD,SETTLED,2024-01-01T00:00:00Z\r\n"
            + "t3,m1,x,USD,SETTLED,2024-01-01T00:00:00Z\r\n"
            + "t4,m1,1,USD,SETTLED,2024-01-01T00:00:00Z\r\r\n"
            + "t5,m1,4,USD,REFUNDED,2024-01-01T00:00:00Z";
    SettlementHarness.Run r = run(text);
    assertEquals(
        CSV_HEADER + "\"m\r1\",2024-01-01,1,200,0,200\n" + "m1,2024-01-01,2,100,400,-300\n",
        r.settlementCsv());
    assertEquals(
        rej("a.csv", 6, "BAD_AMOUNT", "t3,m1,x,USD,SETTLED,2024-01-01T00:00:00Z")
            + rej("a.csv", 7, "BAD_TIMESTAMP", "t4,m1,1,USD,SETTLED,2024-01-01T00:00:00Z\\r"),
        r.rejectsJsonl());
    assertEquals(new Counts(5, 3, 0, 2), r.counts());
  }

  @Test
  void columnsInAnyOrderExtraColumnsAndSeveralFiles() throws IOException {
    String a =
        "status,extra,created_at,amount,\"merchant_id\",currency,txn_id\n"
            + "SETTLED,x,2024-01-01T00:00:00Z,1,m2,USD,t1\n"
            + "SETTLED,\"y,z\",2024-01-01T00:00:00Z,2,m1,USD,t2\n"
            + "SETTLED,y,2024-01-01T00:00:00Z,2,m1,USD\n";
    String b =
        "txn_id,merchant_id,amount,currency,status,created_at,note\n"
            + "t3,m1,3,USD,SETTLED,2024-01-02T00:00:00Z,\n"
            + "t4,m1,3,USD,SETTLED,2024-01-02T00:00:00Z\n";
    SettlementHarness.Run r = run(a, b);
    assertEquals(
        CSV_HEADER
            + "m1,2024-01-01,1,200,0,200\n"
            + "m1,2024-01-02,1,300,0,300\n"
            + "m2,2024-01-01,1,100,0,100\n",
        r.settlementCsv());
    assertEquals(
        rej("a.csv", 4, "FIELD_COUNT", "SETTLED,y,2024-01-01T00:00:00Z,2,m1,USD")
            + rej("b.csv", 3, "FIELD_COUNT", "t4,m1,3,USD,SETTLED,2024-01-02T00:00:00Z"),
        r.rejectsJsonl());
  }

  @Test
  void codePointOrderAndOutputQuoting() throws IOException {
    String text =
        HEADER
            + "1,\uD83D\uDE00,1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "2,\uFF5E,1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "3,\"a,b\",1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "4,\"say \"\"hi\"\"\",1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "5,Z,1,USD,SETTLED,2024-01-01T00:00:00Z\n"
            + "6,\u00e9,1,USD,SETTLED,2024-01-01T00:00:00Z\n";
    SettlementHarness.Run r = run(text);
    assertEquals(
        CSV_HEADER
            + "Z,2024-01-01,1,100,0,100\n"
            + "\"a,b\",2024-01-01,1,100,0,100\n"
            + "\"say \"\"hi\"\"\",2024-01-01,1,100,0,100\n"
            + "\u00e9,2024-01-01,1,100,0,100\n"
            + "\uFF5E,2024-01-01,1,100,0,100\n"
            + "\uD83D\uDE00,2024-01-01,1,100,0,100\n",
        r.settlementCsv());
  }

  @Test
  void invalidUtf8AndControlCharactersInRejects() throws IOException {
    byte[] head = HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] row1 = "t1,m\u00ff,1,USD,SETTLED,2024-01-01T00:00:00Z\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] row2 = "t2,m\u0001\t,x,USD,SETTLED,2024-01-01T00:00:00Z\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + row1.length + row2.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(row1, 0, all, head.length, row1.length);
    System.arraycopy(row2, 0, all, head.length + row1.length, row2.length);
    SettlementHarness.Run r = run(Map.of(), all);
    assertEquals(CSV_HEADER + "m\uFFFD,2024-01-01,1,100,0,100\n", r.settlementCsv());
    assertEquals(
        rej("a.csv", 3, "BAD_AMOUNT", "t2,m\\u0001\\t,x,USD,SETTLED,2024-01-01T00:00:00Z"),
        r.rejectsJsonl());
  }

  @Test
  void headerOnlyAndEmptyData() throws IOException {
    SettlementHarness.Run r = run(HEADER, HEADER + "\n\n");
    assertEquals(CSV_HEADER, r.settlementCsv());
    assertEquals("", r.rejectsJsonl());
    assertEquals(Counts.ZERO, r.counts());
  }

  /** The rates a job with {@code parameters} uses, as the engine binds them. */
  static Map<String, BigDecimal> rates(SettlementJobType type, Map<String, ?> parameters) {
    @SuppressWarnings("unchecked")
    Map<String, Object> given = (Map<String, Object>) parameters;
    return TypedParameters.check(type, given).rates();
  }
}
