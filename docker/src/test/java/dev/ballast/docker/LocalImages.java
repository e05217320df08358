package dev.ballast.docker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The images of the local stack, built once per test JVM by {@code docker/build-images.sh} from the
 * jars this build packaged (worker and starter modules). The script's base images are cached in the
 * daemon between runs; the first build on a machine debootstraps them (minutes).
 */
final class LocalImages {
  /** A cold build (debootstrap, the JRE's packages) takes a few minutes; this bounds a stuck one. */
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
  private static boolean built;

  private LocalImages() {}

  static synchronized void ensureBuilt(Path repo) {
    if (built) {
      return;
    }
    Path jars = repo.resolve("docker/target/image-jars");
    try {
      Files.createDirectories(jars);
      for (Path jar : List.of(repo.resolve("worker/target/ballast-worker.jar"), repo.resolve("starter/target/ballast.jar"))) {
        if (!Files.isRegularFile(jar)) {
          fail(jar + " is missing: package the worker and starter modules first (mvn -B verify does)");
        }
        Files.copy(jar, jars.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long start = System.nanoTime();
    Docker.Result result = Docker.run(BUILD_TIMEOUT, repo, Map.of(),
        List.of(repo.resolve("docker/build-images.sh").toString(), "--jars", jars.toString()));
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    if (!result.ok()) {
      fail("docker/build-images.sh failed (exit " + result.exit() + ") after " + seconds + " s:\n" + result.both());
    }
    System.out.println("build-images.sh: " + seconds + " s\n" + result.err() + result.out());
    built = true;
  }
}
