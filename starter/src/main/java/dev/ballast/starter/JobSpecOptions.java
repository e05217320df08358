package dev.ballast.starter;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The job spec options of {@code run} and {@code start}: a spec file and flags that override it. */
public class JobSpecOptions extends JobFlags {
  @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = SPEC_HELP)
  void specFile(Path file) {
    this.specFile = file;
  }
}
