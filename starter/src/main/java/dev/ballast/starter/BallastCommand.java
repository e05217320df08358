package dev.ballast.starter;

import dev.ballast.starter.commands.CancelCommand;
import dev.ballast.starter.commands.DrillCommand;
import dev.ballast.starter.commands.DeployCommand;
import dev.ballast.starter.commands.GenerateCommand;
import dev.ballast.starter.commands.JobsCommand;
import dev.ballast.starter.commands.ListCommand;
import dev.ballast.starter.commands.PauseCommand;
import dev.ballast.starter.commands.ResumeCommand;
import dev.ballast.starter.commands.ScheduleCommand;
import dev.ballast.starter.commands.RunCommand;
import dev.ballast.starter.commands.ServerCommand;
import dev.ballast.starter.commands.SetupCommand;
import dev.ballast.starter.commands.StartCommand;
import dev.ballast.starter.commands.StatusCommand;
import dev.ballast.starter.commands.VerifyCommand;
import dev.ballast.starter.commands.WatchCommand;
import dev.ballast.starter.commands.WorkerCommand;
import dev.ballast.starter.commands.WorkersCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code ballast} command: durable batch jobs on Temporal. */
@Command(
    name = "ballast",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Durable batch jobs on Temporal: plan, process (in chunks), merge and commit, resumable after"
          + " any crash.",
      "Without --address or TEMPORAL_ADDRESS, `ballast run` starts an embedded Temporal service and"
          + " a worker in-process."
    },
    footer = {
      "",
      "Exit codes:",
      "  0  success",
      "  1  job failed or timed out (verify: files do not match the manifest; workers --check: a"
          + " warning)",
      "  2  bad usage or bad job spec (nothing was started)",
      "  3  job cancelled or terminated",
      "  4  cannot reach Temporal",
      "  5  job id conflict, or job not found (setup: a search attribute registered with another type;"
          + " deploy: unknown deployment or build)",
      "  6  drill failed: no worker took the drill over within its objective, none polls its queues, or wrong output",
      "  7  the Temporal service lacks the feature (deploy: the embedded service has no worker"
          + " deployments)",
      "  75 (ballast worker --allow-drills) the worker process was stopped by a failover drill"
    })
public class BallastCommand implements Runnable {
  /** The subcommands, in the order {@code ballast --help} lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RunCommand.class,
          StartCommand.class,
          StatusCommand.class,
          ListCommand.class,
          WatchCommand.class,
          PauseCommand.class,
          ResumeCommand.class,
          CancelCommand.class,
          WorkerCommand.class,
          ServerCommand.class,
          SetupCommand.class,
          GenerateCommand.class,
          VerifyCommand.class,
          JobsCommand.class,
          ScheduleCommand.class,
          DrillCommand.class,
          DeployCommand.class,
          WorkersCommand.class);

  @CommandLine.Spec CommandSpec spec;

  private final Map<String, String> env;
  private final Path cwd;

  /** The command as run from a shell: the process environment and working directory. */
  public BallastCommand() {
    this(System.getenv(), Path.of("").toAbsolutePath());
  }

  /** The command with a given environment and working directory (tests). */
  public BallastCommand(Map<String, String> env, Path cwd) {
    this.env = Map.copyOf(env);
    this.cwd = cwd.toAbsolutePath().normalize();
  }

  /** A command line for {@code command} with every subcommand and Ballast's exit-code and error handling. */
  public static CommandLine commandLine(BallastCommand command) {
    return commandLine(command, SUBCOMMANDS);
  }

  /**
   * A command line for {@code args}: when the first names a subcommand, only that one is built (picocli
   * builds every subcommand's model up front, about 45 ms of each start for all of them); otherwise,
   * for {@code --help}, {@code --version} or a mistake, all of them.
   */
  public static CommandLine commandLine(BallastCommand command, String... args) {
    if (args.length > 0) {
      for (Class<?> sub : SUBCOMMANDS) {
        Command annotation = sub.getAnnotation(Command.class);
        if (annotation.name().equals(args[0]) || List.of(annotation.aliases()).contains(args[0])) {
          return commandLine(command, List.of(sub));
        }
      }
    }
    return commandLine(command);
  }

  private static CommandLine commandLine(BallastCommand command, List<Class<?>> subcommands) {
    CommandLine line = new CommandLine(command);
    for (Class<?> sub : subcommands) {
      line.addSubcommand(sub);
    }
    // Set after the subcommands are added: picocli hands these settings to the subcommands present.
    ExceptionHandler handler = new ExceptionHandler();
    return line
        .setExecutionExceptionHandler(handler)
        .setExitCodeExceptionMapper(handler)
        .setParameterExceptionHandler(handler);
  }

  public Map<String, String> env() {
    return env;
  }

  public Path cwd() {
    return cwd;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The root command of {@code spec}'s command line. */
  public static BallastCommand root(CommandSpec spec) {
    return (BallastCommand) spec.root().userObject();
  }
}
