package dev.ballast.jobs.settlement;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settlement job's one parameter.
 *
 * @param rates USD per unit of each accepted currency (a number or a decimal string, each &gt; 0);
 *     when given it replaces the {@linkplain SettlementJobType#DEFAULT_RATES default table} and
 *     must not be empty. Held sorted by currency, trailing zeros stripped, so that a job given
 *     {@code 1.50} or {@code "1.5"} stages and reuses the same chunks.
 */
public record SettlementParameters(
    @JsonPropertyDescription(
            "USD per unit of each accepted currency; replaces the default table"
                + " (EUR 1.08, GBP 1.27, JPY 0.0067, USD 1)")
        Map<String, BigDecimal> rates) {

  public SettlementParameters {
    if (rates == null) {
      rates = SettlementJobType.DEFAULT_RATES;
    }
    if (rates.isEmpty()) {
      throw new IllegalArgumentException("settlement parameter 'rates' must name a currency");
    }
    Map<String, BigDecimal> normalized = new TreeMap<>();
    for (Map.Entry<String, BigDecimal> e : rates.entrySet()) {
      if (e.getValue() == null || e.getValue().signum() <= 0) {
        throw new IllegalArgumentException(
            "rate of currency '" + e.getKey() + "' must be > 0, not " + e.getValue());
      }
      BigDecimal rate = e.getValue().stripTrailingZeros();
      normalized.put(e.getKey(), rate.scale() < 0 ? rate.setScale(0) : rate);
    }
    rates = Collections.unmodifiableMap(normalized);
  }

  /** The default table. */
  public static SettlementParameters defaults() {
    return new SettlementParameters(SettlementJobType.DEFAULT_RATES);
  }
}
