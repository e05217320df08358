package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.engine.stage.JsonText;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementJobTypeTest {
  private final SettlementJobType type = new SettlementJobType();

  @Test
  void defaultRatesWithoutParameters() {
    assertEquals(SettlementJobType.DEFAULT_RATES, rates(type, null));
    assertEquals(SettlementJobType.DEFAULT_RATES, rates(type, Map.of()));
    assertEquals(new BigDecimal("0.0067"), rates(type, Map.of()).get("JPY"));
    assertEquals(4, rates(type, Map.of()).size());
  }

  @Test
  void ratesReplaceTheDefaultTable() {
    Map<String, Object> rates = new LinkedHashMap<>();
    rates.put("CHF", 1.13);
    rates.put("EUR", "1.1");
    rates.put("XAU", 2400);
    Map<String, BigDecimal> r = rates(type, Map.of("rates", rates));
    assertEquals(
        Map.of("CHF", new BigDecimal("1.13"), "EUR", new BigDecimal("1.1"), "XAU", new BigDecimal("2400")),
        r);
  }

  @Test
  void badParametersAreNamed() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("rate", 1)));
    assertTrue(unknown.getMessage().contains("'rate'") && unknown.getMessage().contains("rates"),
        unknown.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> TypedParameters.check(type, Map.of("rates", Map.of("USD", 1, "EUR", "0"))));
    assertTrue(zero.getMessage().contains("EUR"), zero.getMessage());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> TypedParameters.check(type, Map.of("rates", Map.of("GBP", -1.2))));
    assertTrue(negative.getMessage().contains("GBP"), negative.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> TypedParameters.check(type, Map.of("rates", Map.of("JPY", "lots"))));
    assertTrue(text.getMessage().contains("JPY"), text.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("rates", "USD")));
    assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("rates", SettlementParameters.defaults())));
    Map<String, Object> nullRate = new HashMap<>();
    nullRate.put("USD", null);
    assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("rates", nullRate)));
  }

  @Test
  void headerColumnsInAnyOrderWithQuotingAndExtras() {
    SettlementJobType.Columns c =
        type.columns("a.csv", "extra,created_at,\"status\",currency,amount,\"merchant_id\",txn_id,\"x,y\"");
    assertEquals(new SettlementJobType.Columns(8, 6, 5, 4, 3, 2, 1), c);
    type.checkHeader("a.csv", "txn_id,merchant_id,amount,currency,status,created_at", SettlementParameters.defaults());
  }

  @Test
  void missingColumnNamesColumnAndFile() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> type.checkHeader("orders.csv", "txn_id,merchant_id,currency,status,created_at", SettlementParameters.defaults()));
    assertEquals(
        "input orders.csv lacks required column 'amount' (found: txn_id, merchant_id, currency, status, created_at)",
        e.getMessage());
    IllegalArgumentException caseSensitive =
        assertThrows(
            IllegalArgumentException.class,
            () -> type.checkHeader("b.csv", "TXN_ID,merchant_id,amount,currency,status,created_at", SettlementParameters.defaults()));
    assertTrue(caseSensitive.getMessage().contains("'txn_id'"));
    assertThrows(
        IllegalArgumentException.class,
        () -> type.checkHeader("c.csv", "txn_id ,merchant_id,amount,currency,status,created_at", SettlementParameters.defaults()));
  }

  @Test
  void malformedHeaderIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> type.checkHeader("h.csv", "txn_id,\"merchant_id,amount,currency,status,created_at", SettlementParameters.defaults()));
    assertTrue(e.getMessage().contains("h.csv"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> type.checkHeader("h.csv", "", SettlementParameters.defaults()));
  }

  @Test
  void jsonEscapingMatchesJackson() throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
      assertEquals(jackson.writeValueAsString(String.valueOf(c)), JsonText.quote(String.valueOf(c)),
          "char " + (int) c);
    }
    all.append("\u2028\u2029\uFFFD\uD83D\uDE00/</script>");
    assertEquals(jackson.writeValueAsString(all.toString()), JsonText.quote(all.toString()));
  }

  @Test
  void codePointOrderDiffersFromUtf16Order() {
    String supplementary = "\uD83D\uDE00";
    String bmpHigh = "\uFF5E";
    assertTrue(supplementary.compareTo(bmpHigh) < 0);
    assertTrue(Aggregates.compareCodePoints(bmpHigh, supplementary) < 0);
    assertTrue(Aggregates.compareCodePoints(supplementary, bmpHigh) > 0);
    assertTrue(Aggregates.compareCodePoints("ab", "abc") < 0);
    assertEquals(0, Aggregates.compareCodePoints("a" + supplementary, "a" + supplementary));
  }

  @Test
  void rateConversionIsExactHalfEven() {
    Rate half = new Rate(new BigDecimal("0.5"));
    assertEquals(0, half.cents(1));
    assertEquals(2, half.cents(3));
    assertEquals(2, half.cents(5));
    assertEquals(4, half.cents(7));
    Rate big = new Rate(new BigDecimal("1E+3"));
    assertEquals(5000, big.cents(5));
    assertEquals(Rate.OVERFLOW, big.cents(Long.MAX_VALUE / 100));
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    String[] rates = {
      "0.0000000000000000000001", "1E+3", "1.08", "0.0067", "123456789.123456789", "0.5", "1.27",
      "0.00000000000000000050"
    };
    for (String text : rates) {
      BigDecimal value = new BigDecimal(text);
      Rate rate = new Rate(value);
      for (int i = 0; i < 2000; i++) {
        long h =
            switch (i % 3) {
              case 0 -> 1 + rnd.nextLong(1000);
              case 1 -> 1 + rnd.nextLong(1L << 40);
              default -> 1 + rnd.nextLong(Long.MAX_VALUE - 1);
            };
        BigDecimal expect = BigDecimal.valueOf(h).multiply(value).setScale(0, java.math.RoundingMode.HALF_EVEN);
        long got = rate.cents(h);
        if (expect.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
          assertEquals(Rate.OVERFLOW, got, text + " x " + h);
        } else {
          assertEquals(expect.longValueExact(), got, text + " x " + h);
        }
      }
    }
  }

  /** The rates a job with {@code parameters} uses, as the engine binds them. */
  static Map<String, BigDecimal> rates(SettlementJobType type, Map<String, ?> parameters) {
    @SuppressWarnings("unchecked")
    Map<String, Object> given = (Map<String, Object>) parameters;
    return TypedParameters.check(type, given).rates();
  }
}
