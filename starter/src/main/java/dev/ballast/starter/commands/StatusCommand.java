package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.Pipelines;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.Workflows;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast status ID}: where a job or pipeline stands, as text or JSON. The fields come from
 * {@link JobStatus} and {@link PipelineStatus}, the Web UI link from {@link WebUiLinks}.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows where a job stands: status (RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED,"
          + " TIMED_OUT), stage, chunks, rows by outcome, start time, elapsed time and its Temporal"
          + " Web UI link (see --ui-url); for a failed job its error and the failing chunk with its attempt count"
          + " and last error; for a running one the chunks being retried; for a completed one its"
          + " published files. --json prints every field for scripts.",
      "For a pipeline: its status, each stage (job type, job id, state: pending, running,"
          + " completed, failed, cancelled or skipped-intact) and, under stageJob, the status of the"
          + " stage's job running now (or of the one that failed), as shown for a job.",
      "Exits 5 when there is no such job."
    })
public class StatusCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Parameters(index = "0", paramLabel = "ID", description = "The job or pipeline id.")
  String id;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--ui-url",
      paramLabel = "URL",
      description =
          "Base URL of the Temporal Web UI, for the job's link (default: $BALLAST_UI_URL). Without"
              + " either, the link is shown only when a Web UI at http://127.0.0.1:8233 (the"
              + " default of `ballast run`/`server`) answers for this very job.")
  String uiUrl;

  @Override
  protected int execute() throws Exception {
    try (JobConnection connection =
        JobConnection.open(temporal, env(), "status")) {
      WorkflowExecutionDescription description = Workflows.describe(connection.client(), id);
      Map<String, Object> status =
          Pipelines.isPipeline(description)
              ? PipelineStatus.of(connection, id, description)
              : JobStatus.of(connection, id);
      String namespace = temporal.namespace(env());
      String base = WebUiLinks.base(uiUrl, env(), namespace, id, description.getExecution().getRunId());
      if (base != null) {
        status.put("ui", WebUiLinks.link(base, namespace, id));
        if (status.get("stageJob") instanceof Map<?, ?> stage && stage.get("id") instanceof String jobId) {
          @SuppressWarnings("unchecked")
          Map<String, Object> job = (Map<String, Object>) stage;
          job.put("ui", WebUiLinks.link(base, namespace, jobId));
        }
      }
      if (json) {
        out().println(
            new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(status));
      } else {
        printText(status, "");
      }
      out().flush();
      return 0;
    }
  }

  /** {@code key: value} lines; a list's items and a nested status (a stage's job) indented. */
  private void printText(Map<?, ?> status, String indent) {
    for (Map.Entry<?, ?> e : status.entrySet()) {
      if (e.getValue() instanceof List<?> list) {
        out().println(indent + e.getKey() + ":");
        for (Object item : list) {
          out().println(indent + "  " + item);
        }
      } else if (e.getValue() instanceof Map<?, ?> nested) {
        out().println(indent + e.getKey() + ":");
        printText(nested, indent + "  ");
      } else if (e.getValue() != null) {
        out().println(indent + e.getKey() + ": " + e.getValue());
      }
    }
  }
}
