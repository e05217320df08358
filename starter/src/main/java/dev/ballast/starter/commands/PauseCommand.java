package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ballast pause ID}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a job: no new chunks are dispatched; chunks in flight finish. Resume it with `ballast resume ID`. For a pipeline, pauses the job of its running stage (which holds the later stages).")
public class PauseCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "pause")) {
      if (Pipelines.isPipeline(connection.client(), id)) {
        String job = PipelineSteering.runningStageJob(connection.client(), id, "pause");
        connection.client().newUntypedWorkflowStub(job).signal("pause");
        out().println("paused job " + job + ", the running stage of pipeline " + id
            + " (the next stage starts only after it ends); resume it with ballast resume " + id);
        out().flush();
        return 0;
      }
      connection.client().newUntypedWorkflowStub(id).signal("pause");
      out().println("paused job " + id);
      out().flush();
      return 0;
    }
  }
}
