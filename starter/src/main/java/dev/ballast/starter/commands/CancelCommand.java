package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ballast cancel ID}. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancels a job: chunks in flight stop, nothing is published and its staging area is"
            + " discarded. A cancelled job may be started again with the same id.")
public class CancelCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "cancel")) {
      connection.client().newUntypedWorkflowStub(id).cancel();
      out().println("cancel requested for job " + id);
      out().flush();
      return 0;
    }
  }
}
