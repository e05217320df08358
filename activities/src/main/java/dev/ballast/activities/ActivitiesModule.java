package dev.ballast.activities;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.ballast.engine.JobTypes;
import dev.ballast.job.JobType;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Binds every {@link JobType} on the class path: a job type's jar lists its class in {@code
 * META-INF/services/dev.ballast.job.JobType} (the built-in {@code settlement} and {@code load} do
 * too), and {@link ServiceLoader} makes one instance of each per worker. Activity implementations
 * are built by Guice from their constructors.
 */
public class ActivitiesModule extends AbstractModule {
  @Override
  protected void configure() {
    // An empty set rather than a missing binding when no job type is on the class path.
    Multibinder<JobType<?, ?, ?>> types = Multibinder.newSetBinder(binder(), new TypeLiteral<JobType<?, ?, ?>>() {});
    for (JobType<?, ?, ?> type : ServiceLoader.load(JobType.class)) {
      types.addBinding().toInstance(type);
    }
  }

  @Provides
  @Singleton
  JobTypes jobTypes(Set<JobType<?, ?, ?>> types) {
    return new JobTypes(types);
  }
}
