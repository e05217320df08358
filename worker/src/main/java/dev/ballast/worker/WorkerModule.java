package dev.ballast.worker;

import com.google.inject.AbstractModule;
import dev.ballast.activities.ActivitiesModule;

/**
 * Guice wiring of a worker process: the activities and the settings it was started with. Fast and
 * side-effect free: nothing connects until {@link WorkerService#start()}.
 */
public class WorkerModule extends AbstractModule {
  private final WorkerSettings settings;
  private final ConnectionSettings connection;

  public WorkerModule(WorkerSettings settings) {
    this(settings, null);
  }

  /** Wiring that connects as {@code connection} says (TLS, API key, payload encryption). */
  public WorkerModule(WorkerSettings settings, ConnectionSettings connection) {
    this.settings = settings;
    this.connection = connection;
  }

  @Override
  protected void configure() {
    install(new ActivitiesModule());
    bind(WorkerSettings.class).toInstance(settings);
    if (connection != null) {
      bind(ConnectionSettings.class).toInstance(connection);
    }
  }
}
