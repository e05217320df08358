package dev.ballast.starter.commands;

import dev.ballast.samples.SampleGenerator;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast generate}: sample inputs. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Writes sample input files.",
    subcommands = GenerateCommand.Settlement.class)
public class GenerateCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "name what to generate, e.g. `ballast generate settlement --rows N FILE`");
  }

  /** {@code ballast generate settlement --rows N [--seed S] FILE}. */
  @Command(
      name = "settlement",
      mixinStandardHelpOptions = true,
      description =
          "Writes a deterministic settlement CSV (header plus N rows) with a realistic mix of bad"
              + " rows; the same seed gives the same bytes.")
  public static class Settlement extends BaseCommand {
    @Option(names = "--rows", paramLabel = "N", required = true, description = "Data rows to write.")
    long rows;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Parameters(index = "0", paramLabel = "FILE", description = "File to write (parent directories are created).")
    Path file;

    @Override
    protected int execute() throws Exception {
      if (rows < 0) {
        throw new CliException(ExitCodes.USAGE, "--rows must be zero or more");
      }
      Path target = cwd().resolve(file).toAbsolutePath().normalize();
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      SampleGenerator.write(target, rows, seed);
      out().printf("wrote %,d rows to %s (%,d bytes)%n", rows, target, Files.size(target));
      out().flush();
      return 0;
    }
  }
}
