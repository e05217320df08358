package dev.ballast.activities.settlement;

import java.io.IOException;
import java.nio.file.Path;

/** Writes deterministic sample settlement inputs with a realistic mix of bad rows. */
public final class SampleGenerator {
  private SampleGenerator() {}

  /** Writes {@code rows} data rows (plus a header) to {@code file}; the same seed gives the same bytes. */
  public static void write(Path file, long rows, long seed) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
