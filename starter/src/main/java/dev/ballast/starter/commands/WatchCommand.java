package dev.ballast.starter.commands;

import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFollower;
import dev.ballast.starter.PipelineFollower;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ballast watch ID}: follow a job. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Follows a job with a live progress line until it ends, like `ballast run` does, then prints"
            + " its summary; exits like run. A pipeline is followed stage by stage, each stage's job"
            + " like a job, until the pipeline ends. Ctrl-C stops watching, not the job.")
public class WatchCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "watch")) {
      if (Pipelines.isPipeline(connection.client(), id)) {
        return PipelineFollower.follow(connection.client(), id, out(), err(), terminal());
      }
      return JobFollower.follow(connection.client(), id, out(), err(), terminal());
    }
  }
}
