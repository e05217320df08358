package dev.ballast.starter.commands;

import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobSpecOptions;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ballast start}: start a job and return. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a job, or a pipeline (a spec file with `stages`), on a Temporal service and prints"
          + " its id without waiting; follow it with `ballast watch ID`, see it with `ballast status ID`.",
      "Needs --address or TEMPORAL_ADDRESS (the embedded service lives only inside `ballast run`;"
          + " run `ballast server` for one other processes can use) and a worker (`ballast worker`)."
    })
public class StartCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;
  @Mixin JobSpecOptions job;

  @Override
  protected int execute() {
    JobConnection.requireAddress(temporal.address(env()), "start");
    PipelineSpec pipeline = job.pipeline(cwd());
    if (pipeline != null) {
      try (JobConnection connection = JobConnection.open(temporal, env(), "start")) {
        out().println(Pipelines.start(connection.client(), pipeline, job.rerun()));
        out().flush();
        return 0;
      }
    }
    JobSpec spec = job.build(cwd(), env());
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "start")) {
      Jobs.start(connection.client(), spec, job.rerun());
      out().println(spec.id());
      out().flush();
      return 0;
    }
  }
}
