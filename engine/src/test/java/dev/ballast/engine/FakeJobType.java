package dev.ballast.engine;

import dev.ballast.job.JobType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A job type for tests: named {@code fake}; needs an {@code amount} column; accepts only the
 * parameter {@code mode}, whose value must be {@code ok}.
 */
public final class FakeJobType implements JobType {
  public static final String NAME = "fake";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkParameters(Map<String, Object> parameters) {
    for (Map.Entry<String, Object> e : parameters.entrySet()) {
      if (!e.getKey().equals("mode")) {
        throw new IllegalArgumentException("unknown parameter '" + e.getKey() + "'");
      }
      if (!"ok".equals(e.getValue())) {
        throw new IllegalArgumentException("parameter 'mode' must be 'ok', not '" + e.getValue() + "'");
      }
    }
  }

  @Override
  public void checkHeader(String fileName, String headerLine, Map<String, Object> parameters) {
    List<String> columns = Arrays.asList(headerLine.split(",", -1));
    if (!columns.contains("amount")) {
      throw new IllegalArgumentException(fileName + " has no 'amount' column (header: " + headerLine + ")");
    }
  }
}
