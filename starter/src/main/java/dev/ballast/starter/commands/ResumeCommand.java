package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ballast resume ID}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused job.")
public class ResumeCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "resume")) {
      connection.client().newUntypedWorkflowStub(id).signal("resume");
      out().println("resumed job " + id);
      out().flush();
      return 0;
    }
  }
}
