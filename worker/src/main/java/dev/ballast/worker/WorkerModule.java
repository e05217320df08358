package dev.ballast.worker;

import com.google.inject.AbstractModule;
import dev.ballast.activities.ActivitiesModule;

/**
 * Guice wiring of a worker process: the activities and the settings it was started with. Fast and
 * side-effect free: nothing connects until {@link WorkerService#start()}.
 */
public class WorkerModule extends AbstractModule {
  private final WorkerSettings settings;

  public WorkerModule(WorkerSettings settings) {
    this.settings = settings;
  }

  @Override
  protected void configure() {
    install(new ActivitiesModule());
    bind(WorkerSettings.class).toInstance(settings);
  }
}
