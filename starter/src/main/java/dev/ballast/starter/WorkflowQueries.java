package dev.ballast.starter;

import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.PipelineProgress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asking a running job or pipeline where it stands, without waiting long for a worker: the SDK's
 * own query call keeps retrying for much longer when no worker polls.
 */
public final class WorkflowQueries {
  /** How long a query may wait for a worker to answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  private WorkflowQueries() {}

  /**
   * The job's progress, or empty when no worker answers within {@link #TIMEOUT}.
   *
   * @throws WorkflowNotFoundException when there is no such job
   */
  public static Optional<JobProgress> jobProgress(WorkflowClient client, String id) {
    return query(client, id, "progress", JobProgress.class);
  }

  /** The pipeline's stages, or empty when no worker answers within {@link #TIMEOUT}. */
  public static Optional<PipelineProgress> pipelineProgress(WorkflowClient client, String id) {
    return query(client, id, "pipelineProgress", PipelineProgress.class);
  }

  /**
   * The answer of the latest run of workflow {@code id} to query {@code queryType}, or empty when
   * no worker answers within {@link #TIMEOUT}.
   *
   * @throws WorkflowNotFoundException when there is no such workflow
   */
  private static <T> Optional<T> query(WorkflowClient client, String id, String queryType, Class<T> type) {
    QueryWorkflowResponse response;
    try {
      response =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                      .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType))
                      .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new WorkflowNotFoundException(WorkflowExecution.newBuilder().setWorkflowId(id).build(), Jobs.WORKFLOW_TYPE, e);
      }
      return Optional.empty();
    }
    if (response.hasQueryRejected() || !response.hasQueryResult()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(response.getQueryResult()), type, type));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
