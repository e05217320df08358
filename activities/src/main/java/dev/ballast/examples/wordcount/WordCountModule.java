package dev.ballast.examples.wordcount;

import dev.ballast.activities.stage.JobModule;

/** Registers the {@code wordcount} job type; listed in META-INF/services so workers find it. */
public class WordCountModule extends JobModule {
  @Override
  protected void configure() {
    addJobType(WordCountJobType.class);
  }
}
