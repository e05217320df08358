package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ballast verify DIR}: re-check a published result against its manifest. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Re-checks a published result: every file its manifest.json lists must have the recorded"
            + " size and SHA-256. Prints each problem (naming the file) and exits 1 on any mismatch.")
public class VerifyCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "The output directory of a job.")
  Path dir;

  @Override
  protected int execute() throws IOException {
    Path target = cwd().resolve(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(target)) {
      throw new CliException(ExitCodes.USAGE, target + " is not a directory");
    }
    List<String> problems = ManifestVerifier.verify(target);
    if (!problems.isEmpty()) {
      for (String problem : problems) {
        err().println(problem);
      }
      err().printf("%s: %d problem(s)%n", target, problems.size());
      err().flush();
      return ExitCodes.JOB_FAILED;
    }
    out().println("ok: " + listedFiles(target) + " files match the manifest");
    out().flush();
    return 0;
  }

  /** How many files the manifest lists (its {@code outputs} array). */
  private static int listedFiles(Path dir) throws IOException {
    Path manifest = dir.resolve("manifest.json");
    if (Files.isRegularFile(manifest)) {
      JsonNode root = new ObjectMapper().readTree(manifest.toFile());
      for (String field : new String[] {"outputs", "files"}) {
        JsonNode files = root.path(field);
        if (files.isArray()) {
          return files.size();
        }
      }
    }
    try (var entries = Files.list(dir)) {
      return (int)
          entries
              .filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !p.getFileName().toString().equals("manifest.json"))
              .count();
    }
  }
}
