package dev.ballast.starter.spec;

import dev.ballast.api.model.JobSpec;
import dev.ballast.engine.files.InputResolver;
import dev.ballast.engine.files.StagingLayout;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a job's inputs and output before it is started, as far as this machine can see them: a
 * missing input, a glob that matches nothing, or an output directory that is also an input
 * directory is a {@link SpecException}, so that nothing starts that the plan stage would refuse.
 *
 * <p>Workers may see another file system than the starter (a job started from a laptop, run in a
 * cluster). Where an input's directory does not exist here, the starter cannot tell, and leaves
 * the check to the plan stage; with {@code sameFileSystem} (the embedded default, where the worker
 * runs in this process) every input is checked.
 */
public final class InputCheck {
  private InputCheck() {}

  /** Returns {@code spec}, or throws a one-line {@link SpecException}. */
  public static JobSpec check(JobSpec spec, boolean sameFileSystem) {
    Path output = Path.of(spec.output()).toAbsolutePath().normalize();
    InputResolver resolver = new InputResolver(output.resolve(StagingLayout.HIDDEN_DIR));
    for (String entry : spec.inputs()) {
      Path path = Path.of(entry).toAbsolutePath().normalize();
      Path dir = Files.isDirectory(path) ? path : path.getParent();
      if (dir != null && !Files.isRegularFile(path) && sameDirectory(dir, output)
          && (Files.isDirectory(path)
          || (path.getFileName() != null && InputResolver.isGlob(path.getFileName().toString())))) {
        throw new SpecException("output directory " + output + " is also the directory of input '" + entry
            + "': a later run would read this run's results as input; publish elsewhere, e.g. a subdirectory");
      }
      if (!sameFileSystem && (dir == null || !Files.isDirectory(dir))) {
        continue;
      }
      try {
        resolver.resolve(java.util.List.of(entry));
      } catch (ApplicationFailure e) {
        throw new SpecException(e.getOriginalMessage());
      }
    }
    return spec;
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b) : a.equals(b);
    } catch (java.io.IOException e) {
      return a.equals(b);
    }
  }
}
