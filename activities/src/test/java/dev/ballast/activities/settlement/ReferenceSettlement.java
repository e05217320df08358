package dev.ballast.activities.settlement;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A straightforward, independent implementation of the settlement contract (BufferedReader,
 * regex, BigDecimal, java.time), used by tests to check the engine's outputs byte for byte.
 */
public final class ReferenceSettlement {
  private ReferenceSettlement() {}

  /** The expected outputs of a settlement job. */
  public record Result(
      String settlementCsv, String rejectsJsonl, long rows, long accepted, long pending, long rejected) {}

  /** Computes the outputs for {@code files} (in job order) with the given rate table. */
  public static Result compute(List<Path> files, Map<String, BigDecimal> rates) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
