package dev.ballast.engine.files;

import dev.ballast.api.ErrorType;
import dev.ballast.engine.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a job's input entries into the list of files to read, in job order.
 *
 * <p>Each entry is a regular file, a directory (its regular, non-hidden files directly inside,
 * sorted by name) or a glob whose file-name part holds {@code *}, {@code ?}, {@code [..]} or
 * {@code {a,b}} (matches sorted by name; hidden files only match a pattern that starts with a
 * dot). Relative entries resolve against the current directory. A file named twice is kept at its
 * first position; files under the excluded directory (the output's {@code .ballast}) are skipped.
 */
public final class InputResolver {
  private static final Comparator<Path> BY_NAME =
      Comparator.comparing(p -> p.getFileName().toString());

  private final Path excludedDir;

  /**
   * @param excludedDir a directory whose files are never inputs (the output's {@code .ballast}),
   *     or null
   */
  public InputResolver(Path excludedDir) {
    this.excludedDir = excludedDir == null ? null : realOrNormal(excludedDir);
  }

  /**
   * Resolves {@code entries}.
   *
   * @return absolute, normalised paths of regular files, each once, in job order
   * @throws ApplicationFailure {@code INPUT_NOT_FOUND} when an entry names nothing, {@code IO}
   *     when a directory cannot be listed
   */
  public List<Path> resolve(List<String> entries) {
    Map<Path, Path> files = new LinkedHashMap<>();
    for (String entry : entries) {
      for (Path file : resolveEntry(entry)) {
        files.putIfAbsent(realOrNormal(file), file);
      }
    }
    return new ArrayList<>(files.values());
  }

  private List<Path> resolveEntry(String entry) {
    Path path;
    try {
      path = Path.of(entry).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw Failures.of(ErrorType.INPUT_NOT_FOUND, "input '" + entry + "' is not a valid path: " + e.getMessage());
    }
    if (Files.isRegularFile(path)) {
      if (isExcluded(path)) {
        throw notFound(entry, "lies in the output's " + StagingLayout.HIDDEN_DIR + " directory");
      }
      return List.of(path);
    }
    if (Files.isDirectory(path)) {
      List<Path> found = list(entry, path, null);
      if (found.isEmpty()) {
        throw notFound(entry, "is a directory holding no regular file");
      }
      return found;
    }
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (isGlob(name)) {
      Path parent = path.getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw notFound(entry, "matches no file: directory " + parent + " does not exist");
      }
      PathMatcher matcher;
      try {
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
      } catch (IllegalArgumentException e) {
        throw Failures.of(
            ErrorType.INPUT_NOT_FOUND, "input '" + entry + "' is not a valid glob: " + e.getMessage());
      }
      List<Path> found = list(entry, parent, matcher);
      if (found.isEmpty()) {
        throw notFound(entry, "matches no file");
      }
      return found;
    }
    if (Files.exists(path)) {
      throw notFound(entry, "is neither a regular file nor a directory");
    }
    Path parent = path.getParent();
    if (parent != null && isGlob(parent.toString())) {
      throw notFound(entry, "does not exist (globs may only use wildcards in the file-name part)");
    }
    throw notFound(entry, "does not exist");
  }

  /** Regular files directly inside {@code dir}, hidden ones only when the glob asks for them. */
  private List<Path> list(String entry, Path dir, PathMatcher matcher) {
    boolean wantHidden = matcher != null && entry.substring(entry.lastIndexOf('/') + 1).startsWith(".");
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        Path name = child.getFileName();
        boolean hidden = name.toString().startsWith(".");
        if ((hidden && !wantHidden)
            || (matcher != null && !matcher.matches(name))
            || !Files.isRegularFile(child)
            || isExcluded(child)) {
          continue;
        }
        found.add(child.toAbsolutePath().normalize());
      }
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot list input directory " + dir + ": " + e, e);
    }
    found.sort(BY_NAME);
    return found;
  }

  private boolean isExcluded(Path file) {
    return excludedDir != null && realOrNormal(file).startsWith(excludedDir);
  }

  /** Whether a file name holds glob syntax. */
  public static boolean isGlob(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return true;
      }
    }
    return false;
  }

  private static Path realOrNormal(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      return abs;
    }
  }

  private static ApplicationFailure notFound(String entry, String why) {
    return Failures.of(ErrorType.INPUT_NOT_FOUND, "input '" + entry + "' " + why);
  }
}
