package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.Pipelines;
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
            + " discarded. A cancelled job may be started again with the same id. Cancelling a"
            + " pipeline cancels its running stage's job the same way; later stages do not start.")
public class CancelCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "cancel")) {
      if (Pipelines.isPipeline(connection.client(), id)) {
        // Cancelling the pipeline cancels the stage job it is waiting for; later stages never start.
        connection.client().newUntypedWorkflowStub(id).cancel();
        out().println("cancel requested for pipeline " + id + ": its running stage publishes nothing and"
            + " later stages do not start; stages already published stay");
        out().flush();
        return 0;
      }
      connection.client().newUntypedWorkflowStub(id).cancel();
      out().println("cancel requested for job " + id);
      out().flush();
      return 0;
    }
  }
}
