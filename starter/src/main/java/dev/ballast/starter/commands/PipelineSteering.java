package dev.ballast.starter.commands;

import dev.ballast.api.model.PipelineProgress;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.WorkflowQueries;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/** What {@code pause} and {@code resume} of a running pipeline act on: its running stage's job. */
final class PipelineSteering {
  private PipelineSteering() {}

  /**
   * The job id of the stage pipeline {@code id} is running now.
   *
   * @throws CliException {@link ExitCodes#CONFLICT_OR_NOT_FOUND} when no stage job is running (the
   *     pipeline is between stages) or no worker answers, saying what to do instead
   */
  static String runningStageJob(WorkflowClient client, String id, String command) {
    Optional<PipelineProgress> progress = WorkflowQueries.pipelineProgress(client, id);
    if (progress.isEmpty()) {
      throw new CliException(
          ExitCodes.CONFLICT_OR_NOT_FOUND,
          "pipeline " + id + ": no worker answered which stage is running; " + command
              + " the stage's job by its id (ballast " + command + " " + id + ".N-TYPE) once a worker runs");
    }
    return Pipelines.runningStage(progress.get())
        .map(PipelineProgress.StageProgress::jobId)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.CONFLICT_OR_NOT_FOUND,
                    "pipeline " + id + " has no stage job running right now (it is between stages);"
                        + " try again in a moment, or see ballast status " + id));
  }
}
