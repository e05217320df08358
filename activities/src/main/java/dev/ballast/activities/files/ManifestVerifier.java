package dev.ballast.activities.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Re-checks a published result against its manifest. */
public final class ManifestVerifier {
  private ManifestVerifier() {}

  /**
   * Checks every file the manifest in {@code dir} lists (size and SHA-256).
   *
   * @return one line per problem, naming the file; empty when the result is intact
   */
  public static List<String> verify(Path dir) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
