package dev.ballast.activities;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.stage.JobModule;
import java.util.ServiceLoader;

/**
 * Binds the job types of every {@link JobModule} found with {@link ServiceLoader}: the built-in
 * {@code settlement}, {@code load} and {@code wordcount} are registered that way too. Activity
 * implementations are built by Guice from their constructors.
 */
public class ActivitiesModule extends AbstractModule {
  @Override
  protected void configure() {
    // An empty set rather than a missing binding when no job module is on the class path.
    Multibinder.newSetBinder(binder(), JobType.class);
    // Job types packaged as a JobModule (listed in META-INF/services) are found on the class path.
    for (JobModule module : ServiceLoader.load(JobModule.class)) {
      install(module);
    }
  }
}
