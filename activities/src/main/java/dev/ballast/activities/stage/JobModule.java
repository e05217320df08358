package dev.ballast.activities.stage;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.ballast.activities.job.JobType;

/**
 * A Guice module registering one or more job types. The worker discovers every {@code JobModule}
 * on its class path through {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/dev.ballast.activities.stage.JobModule} of the jar that holds it, and the
 * worker (and {@code ballast jobs}) will know the job type.
 */
public abstract class JobModule extends AbstractModule {
  /** Adds {@code type} to the worker's job types. */
  protected final void addJobType(Class<? extends JobType> type) {
    Multibinder.newSetBinder(binder(), JobType.class).addBinding().to(type);
  }
}
