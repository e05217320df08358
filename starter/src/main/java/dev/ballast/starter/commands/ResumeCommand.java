package dev.ballast.starter.commands;

import dev.ballast.api.model.JobSpec;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFollower;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.PipelineFollower;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.Workflows;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast resume ID}: continue a paused job, or restart a failed one where it stopped. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Resumes a job.",
      "A paused job continues dispatching chunks. A job that failed, was cancelled, terminated or"
          + " timed out is started again with the same id and its original spec, once the cause is"
          + " fixed: chunks whose staged results are still there and verify by checksum are not"
          + " processed again, only the rest. A completed job is not resumed (use run --rerun).",
      "A running pipeline resumes its running stage's job; a failed or cancelled one is started"
          + " again with its original spec: stages whose result is intact are skipped."
    })
public class ResumeCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Option(
      names = "--follow",
      description = "After restarting a failed job or pipeline, follow it like `ballast watch` until it ends.")
  boolean follow;

  @Override
  protected int execute() {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "resume")) {
      WorkflowClient client = connection.client();
      WorkflowExecutionDescription description = Workflows.describe(client, id);
      WorkflowExecutionStatus status = description.getStatus();
      if (Pipelines.isPipeline(description)) {
        return resumePipeline(client, status);
      }
      switch (status) {
        case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> {
          client.newUntypedWorkflowStub(id).signal("resume");
          out().println("resumed job " + id);
          out().flush();
          return ExitCodes.OK;
        }
        case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
            throw new CliException(
                ExitCodes.CONFLICT_OR_NOT_FOUND,
                "job " + id + " already completed; run it again with ballast run --rerun");
        default -> {
          Jobs.start(client, originalSpec(client, id), false);
          out().println(
              "restarted job " + id + " (it had " + Workflows.statusName(status).toLowerCase()
                  + "); chunks already done are reused");
          out().flush();
          return follow ? JobFollower.follow(client, id, out(), err(), terminal()) : ExitCodes.OK;
        }
      }
    }
  }

  /**
   * A running pipeline: resumes its running stage's job. A failed, cancelled, terminated or timed
   * out one: starts it again with its original spec; stages whose result is intact are skipped and
   * the stage that failed resumes from its staged chunks.
   */
  private int resumePipeline(WorkflowClient client, WorkflowExecutionStatus status) {
    switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> {
        String job = PipelineSteering.runningStageJob(client, id, "resume");
        client.newUntypedWorkflowStub(job).signal("resume");
        out().println("resumed job " + job + ", the running stage of pipeline " + id);
        out().flush();
        return ExitCodes.OK;
      }
      case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
          throw new CliException(
              ExitCodes.CONFLICT_OR_NOT_FOUND,
              "pipeline " + id + " already completed; run its spec again with ballast run --rerun");
      default -> {
        Pipelines.start(client, Pipelines.originalSpec(client, id), false);
        out().println(
            "restarted pipeline " + id + " (it had " + Workflows.statusName(status).toLowerCase()
                + "); stages whose result is intact are skipped, the failed one resumes its chunks");
        out().flush();
        return follow ? PipelineFollower.follow(client, id, out(), err(), terminal()) : ExitCodes.OK;
      }
    }
  }

  /** The spec the job's last run was started with, read from its history. */
  static JobSpec originalSpec(WorkflowClient client, String id) {
    Payloads input =
        client.fetchHistory(id).getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
            .getInput();
    return client.getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), JobSpec.class, JobSpec.class);
  }
}
