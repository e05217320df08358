package dev.ballast.activities.settlement;

import dev.ballast.activities.stage.JobModule;

/** Registers the built-in {@code settlement} job type, the way any job type is registered. */
public class SettlementModule extends JobModule {
  @Override
  protected void configure() {
    addJobType(SettlementJobType.class);
  }
}
