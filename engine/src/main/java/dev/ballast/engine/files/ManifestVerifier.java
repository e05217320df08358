package dev.ballast.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Re-checks a published result against its manifest. */
public final class ManifestVerifier {
  private static final Logger log = LoggerFactory.getLogger(ManifestVerifier.class);

  private ManifestVerifier() {}

  /**
   * Checks every file the manifest in {@code dir} lists (size and SHA-256).
   *
   * @return one line per problem, naming the file; empty when the result is intact
   */
  public static List<String> verify(Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    Path manifestFile = dir.resolve(Manifest.FILE_NAME);
    Manifest manifest;
    try {
      manifest = Manifest.read(manifestFile);
    } catch (NoSuchFileException e) {
      problems.add(Manifest.FILE_NAME + ": missing in " + dir + ", so nothing was published there");
      return problems;
    } catch (IOException e) {
      problems.add(Manifest.FILE_NAME + ": cannot be read: " + e.getMessage());
      return problems;
    }
    if (manifest.jobId() == null || manifest.finishedAt() == null) {
      problems.add(Manifest.FILE_NAME + ": has no jobId or finishedAt, so it is not a Ballast manifest");
      return problems;
    }
    for (Manifest.Output output : manifest.outputs()) {
      String name = output.name();
      if (!isPlainFileName(name)) {
        problems.add(name + ": not a plain file name, refusing to look it up");
        continue;
      }
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        problems.add(name + ": missing (the manifest lists it)");
        continue;
      }
      long size = Files.size(file);
      if (size != output.bytes()) {
        problems.add(
            name + ": size is " + size + " bytes but the manifest says " + output.bytes());
        continue;
      }
      String sha = Fingerprints.sha256(file);
      if (!sha.equalsIgnoreCase(output.sha256())) {
        problems.add(name + ": SHA-256 is " + sha + " but the manifest says " + output.sha256());
      }
    }
    log.debug("verified {} against its manifest: {} problem(s)", dir, problems.size());
    return problems;
  }

  /** Whether {@code name} names a file directly inside a directory (no separators, no dots). */
  public static boolean isPlainFileName(String name) {
    return name != null
        && !name.isEmpty()
        && !name.equals(".")
        && !name.equals("..")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0
        && name.indexOf('\0') < 0;
  }
}
