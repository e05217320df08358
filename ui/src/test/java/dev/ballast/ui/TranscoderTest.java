package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TranscoderTest {

  /** Records each request and answers with {@link #answer}. */
  private final List<Message> requests = new ArrayList<>();
  private final List<String> methods = new ArrayList<>();
  private Function<Message, Message> answer = r -> r.getDefaultInstanceForType();

  private final Transcoder transcoder =
      new Transcoder(
          ServiceCatalog.temporal(),
          (rpc, request) -> {
            methods.add(rpc.name());
            requests.add(request);
            return answer.apply(request);
          });

  private ApiResponse get(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return transcoder.handle(
        "GET", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q), q < 0 ? null : pathAndQuery.substring(q + 1), new byte[0]);
  }

  private static JsonObject json(ApiResponse response) {
    return JsonParser.parseString(response.json()).getAsJsonObject();
  }

  @Test
  void knowsEveryApiV1BindingOfTheTemporalServices() {
    List<Transcoder.Route> routes = Transcoder.routesOf(ServiceCatalog.temporal());
    assertTrue(routes.size() >= 100, "only " + routes.size() + " routes");
    assertTrue(routes.stream().allMatch(r -> r.path().toString().startsWith("/api/v1/")));
    assertTrue(routes.stream().anyMatch(r -> r.rpc().name().equals("ListSearchAttributes")), "operator service included");
  }

  @Test
  void pathVariablesSetNestedFieldsAndQueryParametersTheRest() {
    ApiResponse response = get("/api/v1/namespaces/ns1/workflows/job%2Fprocess?execution.runId=r-1");

    assertEquals(200, response.status());
    assertEquals(List.of("DescribeWorkflowExecution"), methods);
    DescribeWorkflowExecutionRequest request = assertInstanceOf(DescribeWorkflowExecutionRequest.class, requests.get(0));
    assertEquals("ns1", request.getNamespace());
    assertEquals(WorkflowExecution.newBuilder().setWorkflowId("job/process").setRunId("r-1").build(), request.getExecution());
  }

  @Test
  void queryParametersAcceptJsonAndProtoNamesAndConvertTypes() {
    String token = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    get("/api/v1/namespaces/ns/workflows?pageSize=5&next_page_token=" + token.replace("=", "%3D")
        + "&query=ExecutionStatus%3D%22Running%22+AND+WorkflowType%3D%27x%27&unknownParam=1");
    ListWorkflowExecutionsRequest list = (ListWorkflowExecutionsRequest) requests.get(0);
    assertEquals(5, list.getPageSize());
    assertEquals(ByteString.copyFrom(new byte[] {1, 2, 3}), list.getNextPageToken());
    assertEquals("ExecutionStatus=\"Running\" AND WorkflowType='x'", list.getQuery());

    get("/api/v1/namespaces/ns/task-queues/q%201?taskQueueType=2");
    get("/api/v1/namespaces/ns/task-queues/q1?taskQueueType=TASK_QUEUE_TYPE_WORKFLOW");
    assertEquals("q 1", ((DescribeTaskQueueRequest) requests.get(1)).getTaskQueue().getName());
    assertEquals(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, ((DescribeTaskQueueRequest) requests.get(1)).getTaskQueueType());
    assertEquals(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, ((DescribeTaskQueueRequest) requests.get(2)).getTaskQueueType());

    get("/api/v1/namespaces/ns/workflows/w/history?waitNewEvent=true&maximumPageSize=20");
    GetWorkflowExecutionHistoryRequest history = (GetWorkflowExecutionHistoryRequest) requests.get(3);
    assertTrue(history.getWaitNewEvent());
    assertEquals(20, history.getMaximumPageSize());
    assertEquals("w", history.getExecution().getWorkflowId());
  }

  @Test
  void pathVariablesCannotBeOverriddenByQueryParameters() {
    get("/api/v1/namespaces/real/workflows?namespace=other");
    assertEquals("real", ((ListWorkflowExecutionsRequest) requests.get(0)).getNamespace());
  }

  @Test
  void wholeBodyMapsToTheRequestAndPathVariablesWin() {
    String body =
        "{\"execution\":{\"runId\":\"r9\"},\"query\":{\"queryType\":\"ignored\",\"queryArgs\":{\"payloads\":[]}},\"namespace\":\"ignored\"}";
    ApiResponse response =
        transcoder.handle(
            "POST", "/api/v1/namespaces/ns/workflows/job-1/query/progress", null, body.getBytes(StandardCharsets.UTF_8));

    assertEquals(200, response.status());
    QueryWorkflowRequest query = (QueryWorkflowRequest) requests.get(0);
    assertEquals("ns", query.getNamespace());
    assertEquals("job-1", query.getExecution().getWorkflowId());
    assertEquals("r9", query.getExecution().getRunId());
    assertEquals("progress", query.getQuery().getQueryType());
  }

  @Test
  void bodyOnlyRoutesIgnoreQueryParameters() {
    transcoder.handle(
        "POST",
        "/api/v1/namespaces/ns/workflows/w/signal/go",
        "identity=from-query",
        "{\"identity\":\"from-body\"}".getBytes(StandardCharsets.UTF_8));
    SignalWorkflowExecutionRequest signal = (SignalWorkflowExecutionRequest) requests.get(0);
    assertEquals("from-body", signal.getIdentity());
    assertEquals("go", signal.getSignalName());
    assertEquals("w", signal.getWorkflowExecution().getWorkflowId());
  }

  @Test
  void responsesArePrintedAsProtoJson() {
    answer =
        r ->
            ListWorkflowExecutionsResponse.newBuilder()
                .addExecutions(
                    WorkflowExecutionInfo.newBuilder()
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId("w").setRunId("r"))
                        .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                        .setHistoryLength(12))
                .setNextPageToken(ByteString.copyFromUtf8("t"))
                .build();
    JsonObject body = json(get("/api/v1/namespaces/ns/workflows"));
    JsonObject info = body.getAsJsonArray("executions").get(0).getAsJsonObject();
    assertEquals("WORKFLOW_EXECUTION_STATUS_RUNNING", info.get("status").getAsString());
    assertEquals("12", info.get("historyLength").getAsString(), "int64 as a string");
    assertEquals("dA==", body.get("nextPageToken").getAsString(), "bytes as base64");

    answer = r -> CountWorkflowExecutionsResponse.newBuilder().setCount(3).build();
    assertEquals("3", json(get("/api/v1/namespaces/ns/workflow-count?query=")).get("count").getAsString());
  }

  @Test
  void grpcErrorsBecomeJsonWithMessageAndMatchingStatus() {
    answer = r -> {
      throw Status.NOT_FOUND.withDescription("workflow not found for ID: w").asRuntimeException();
    };
    ApiResponse notFound = get("/api/v1/namespaces/ns/workflows/w");
    assertEquals(404, notFound.status());
    assertEquals("workflow not found for ID: w", json(notFound).get("message").getAsString());
    assertEquals(5, json(notFound).get("code").getAsInt());

    answer = r -> {
      throw Status.UNAVAILABLE.asRuntimeException();
    };
    ApiResponse unavailable = get("/api/v1/cluster-info");
    assertEquals(503, unavailable.status());
    assertEquals("unavailable", json(unavailable).get("message").getAsString());

    assertEquals(501, Transcoder.httpStatus(Status.Code.UNIMPLEMENTED));
    assertEquals(400, Transcoder.httpStatus(Status.Code.INVALID_ARGUMENT));
    assertEquals(409, Transcoder.httpStatus(Status.Code.ALREADY_EXISTS));
    assertEquals(504, Transcoder.httpStatus(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void unknownRoutesWrongVerbsAndBadInputAreClientErrors() {
    ApiResponse unknown = get("/api/v1/nothing/here");
    assertEquals(404, unknown.status());
    assertTrue(json(unknown).get("message").getAsString().contains("/api/v1/nothing/here"));

    assertEquals(405, transcoder.handle("DELETE", "/api/v1/cluster-info", null, new byte[0]).status());

    ApiResponse badBody =
        transcoder.handle("POST", "/api/v1/namespaces/ns/workflows/w/query/q", null, "{not json".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, badBody.status());
    assertTrue(json(badBody).has("message"));

    assertEquals(400, get("/api/v1/namespaces/ns/task-queues/q?taskQueueType=NOT_A_TYPE").status());
    assertEquals(400, get("/api/v1/namespaces/ns/workflows?pageSize=many").status());
    assertTrue(requests.isEmpty(), "nothing reached the service");
  }
}
