package dev.ballast.activities.load;

import com.google.inject.Singleton;
import dev.ballast.activities.stage.JobModule;

/** Registers the built-in {@code load} job type, one instance per worker so its pools are shared. */
public class LoadModule extends JobModule {
  @Override
  protected void configure() {
    bind(LoadJobType.class).in(Singleton.class);
    addJobType(LoadJobType.class);
  }
}
