package dev.ballast.engine.files;

import dev.ballast.api.ErrorType;
import dev.ballast.engine.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path confinement: the directories a worker may read and write under. With roots configured, a
 * path is allowed only when its real location (after resolving {@code ..} and every symbolic link
 * of the part that exists) lies under the real location of one of them; anything else is refused
 * with a non-retryable {@link ErrorType#PATH_NOT_ALLOWED} failure. Without roots every path is
 * allowed (the CLI's embedded default).
 *
 * <p>Configured by {@value #ENV} (roots separated by {@code :}, the platform's path separator).
 */
public final class DataRoots {
  /** The environment variable listing the data roots. */
  public static final String ENV = "BALLAST_DATA_ROOTS";

  private static final Logger log = LoggerFactory.getLogger(DataRoots.class);
  private static final DataRoots UNCONFINED = new DataRoots(List.of());

  private final List<Path> roots;

  private DataRoots(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * Confinement to {@code roots}; each must exist and is kept as its real path.
   *
   * @throws IllegalArgumentException naming a root that does not exist or is not a directory
   */
  public static DataRoots of(List<Path> roots) {
    List<Path> real = new ArrayList<>();
    for (Path root : roots) {
      try {
        Path r = root.toAbsolutePath().toRealPath();
        if (!Files.isDirectory(r)) {
          throw new IllegalArgumentException(ENV + ": data root " + root + " is not a directory");
        }
        real.add(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(ENV + ": data root " + root + " does not exist", e);
      }
    }
    return real.isEmpty() ? UNCONFINED : new DataRoots(real);
  }

  /** The roots named by {@value #ENV} in the process environment. */
  public static DataRoots fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * The roots named by {@value #ENV} in {@code env}: unset or blank means no confinement.
   *
   * @throws IllegalArgumentException naming a root that does not exist
   */
  public static DataRoots fromEnv(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return UNCONFINED;
    }
    List<Path> roots = new ArrayList<>();
    for (String part : value.split(java.io.File.pathSeparator)) {
      if (!part.isBlank()) {
        roots.add(Path.of(part.trim()));
      }
    }
    DataRoots result = of(roots);
    log.info("Paths confined to data roots {}", result.roots);
    return result;
  }

  /** Whether any root is configured. */
  public boolean confined() {
    return !roots.isEmpty();
  }

  /**
   * Checks one path.
   *
   * @param what what the path is, for the error message (for example "input", "output")
   * @throws ApplicationFailure of type {@code PATH_NOT_ALLOWED}, non-retryable, when the path
   *     lies outside every root
   */
  public void check(String what, String path) {
    if (!confined() || path == null) {
      return;
    }
    Path real;
    try {
      real = realLocation(Path.of(path));
    } catch (InvalidPathException e) {
      throw Failures.of(ErrorType.PATH_NOT_ALLOWED, what + " '" + path + "' is not a valid path", e);
    } catch (IOException e) {
      throw Failures.of(
          ErrorType.PATH_NOT_ALLOWED, what + " '" + path + "' cannot be resolved: " + e.getMessage(), e);
    }
    for (Path root : roots) {
      if (real.startsWith(root)) {
        return;
      }
    }
    throw Failures.of(
        ErrorType.PATH_NOT_ALLOWED,
        what + " '" + path + "' is outside the data roots " + roots
            + (real.toString().equals(Path.of(path).toAbsolutePath().normalize().toString())
                ? ""
                : " (it resolves to " + real + ")")
            + "; set " + ENV + " to allow it");
  }

  /**
   * Checks a spec entry that may be a glob: the part before the first segment holding a glob
   * character is checked (what a glob can match lies under it), and files it matches are checked
   * again once resolved.
   */
  public void checkPattern(String what, String pattern) {
    if (!confined() || pattern == null) {
      return;
    }
    int glob = firstGlobChar(pattern);
    if (glob < 0) {
      check(what, pattern);
      return;
    }
    int slash = pattern.lastIndexOf('/', glob);
    String base = slash < 0 ? "." : slash == 0 ? "/" : pattern.substring(0, slash);
    check(what, base);
  }

  /**
   * The real location of {@code path}: its longest existing prefix with every link resolved,
   * followed by the (normalized) rest, so that paths not created yet can be checked too.
   */
  static Path realLocation(Path path) throws IOException {
    // Not normalized first: the system resolves "link/.." through the link, so must this.
    Path absolute = path.toAbsolutePath();
    Path existing = absolute;
    List<Path> missing = new ArrayList<>();
    while (existing != null && !Files.exists(existing)) {
      missing.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    Path real = existing == null ? absolute.getRoot() : existing.toRealPath();
    for (Path part : missing) {
      real = real.resolve(part);
    }
    return real.normalize();
  }

  private static int firstGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return confined() ? "DataRoots" + roots : "DataRoots[unconfined]";
  }
}
