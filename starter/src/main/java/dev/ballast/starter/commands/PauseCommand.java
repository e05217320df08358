package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ballast pause ID}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a job: no new chunks are dispatched; chunks in flight finish. Resume it with `ballast resume ID`.")
public class PauseCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "pause")) {
      connection.client().newUntypedWorkflowStub(id).signal("pause");
      out().println("paused job " + id);
      out().flush();
      return 0;
    }
  }
}
