package dev.ballast.activities.settlement;

import dev.ballast.activities.job.JobType;
import java.util.Map;

/** The built-in {@code settlement} job. */
public class SettlementJobType implements JobType {
  public static final String NAME = "settlement";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkParameters(Map<String, Object> parameters) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void checkHeader(String fileName, String headerLine) {
    throw new UnsupportedOperationException("not yet");
  }
}
