package dev.ballast.activities;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.settlement.SettlementJobType;

/** Binds the built-in job types. Activity implementations are built by Guice from their constructors. */
public class ActivitiesModule extends AbstractModule {
  @Override
  protected void configure() {
    Multibinder<JobType> types = Multibinder.newSetBinder(binder(), JobType.class);
    types.addBinding().to(SettlementJobType.class);
  }
}
