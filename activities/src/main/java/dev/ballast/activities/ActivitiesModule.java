package dev.ballast.activities;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.settlement.SettlementJobType;
import dev.ballast.activities.stage.JobModule;
import java.util.ServiceLoader;

/**
 * Binds the built-in job types and every {@link JobModule} found with {@link ServiceLoader}.
 * Activity implementations are built by Guice from their constructors.
 */
public class ActivitiesModule extends AbstractModule {
  @Override
  protected void configure() {
    Multibinder<JobType> types = Multibinder.newSetBinder(binder(), JobType.class);
    types.addBinding().to(SettlementJobType.class);
    // Job types packaged as a JobModule (listed in META-INF/services) are found on the class path.
    for (JobModule module : ServiceLoader.load(JobModule.class)) {
      install(module);
    }
  }
}
