package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bridge over HTTP against the real test server: each emulated RPC, the transcoded ones the UI
 * needs, settings, errors and the origin check. Two executions exist: {@code done-1} (completed)
 * and {@code running-1} (blocked in its first chunk).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiServerApiTest {

  private LoopbackTemporal temporal;
  private UiServer ui;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    temporal = new LoopbackTemporal();
    ui =
        UiServer.start(
            UiOptions.loopback(temporal.target(), LoopbackTemporal.NAMESPACE, 0)
                .withWorkerIdentities(() -> List.of(LoopbackTemporal.WORKER_IDENTITY)));
    DemoWorkflow done = stub("done-1");
    temporal.activities.release("done-1/chunk-0");
    assertEquals("processed 0 rows", done.run(1).replaceAll("\\d+ rows", "0 rows"));
    WorkflowClient.start(stub("running-1")::run, 1);
    temporal.awaitPendingActivity("running-1", Duration.ofSeconds(10));
  }

  private DemoWorkflow stub(String id) {
    return temporal.client.newWorkflowStub(
        DemoWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(DemoWorkflow.TASK_QUEUE).build());
  }

  @AfterAll
  void stop() throws Exception {
    if (ui != null) {
      ui.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(ui.url() + path)));
    assertEquals(200, response.statusCode(), path + " -> " + response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private List<String> listIds(String query) throws Exception {
    JsonArray executions = get("/api/v1/namespaces/default/workflows?query=" + q(query)).getAsJsonArray("executions");
    List<String> ids = new ArrayList<>();
    if (executions != null) {
      for (JsonElement e : executions) {
        ids.add(e.getAsJsonObject().getAsJsonObject("execution").get("workflowId").getAsString());
      }
    }
    return ids;
  }

  @Test
  void settingsDisableAuthAndReportAVersionThatEncodesPathsOnce() throws Exception {
    JsonObject settings = get("/api/v1/settings");
    assertFalse(settings.getAsJsonObject("Auth").get("Enabled").getAsBoolean());
    assertEquals("default", settings.get("DefaultNamespace").getAsString());
    assertEquals(UiServer.UI_VERSION, settings.get("Version").getAsString());
  }

  @Test
  void clusterInfoIsEmulatedWithAVersionThatEnablesQueries() throws Exception {
    JsonObject cluster = get("/api/v1/cluster-info");
    assertEquals("ballast-embedded", cluster.get("clusterName").getAsString());
    String[] version = cluster.get("serverVersion").getAsString().split("\\.");
    assertTrue(Integer.parseInt(version[0]) > 1 || Integer.parseInt(version[1]) > 19, "advanced visibility needs > 1.19");
  }

  @Test
  void namespacesAreListedFromDescribeNamespace() throws Exception {
    JsonArray namespaces = get("/api/v1/namespaces").getAsJsonArray("namespaces");
    assertEquals(1, namespaces.size());
    assertEquals("default", namespaces.get(0).getAsJsonObject().getAsJsonObject("namespaceInfo").get("name").getAsString());
  }

  @Test
  void searchAttributesListSystemAndTestServerAttributes() throws Exception {
    JsonObject attributes = get("/api/v1/namespaces/default/search-attributes");
    assertEquals("INDEXED_VALUE_TYPE_KEYWORD", attributes.getAsJsonObject("systemAttributes").get("ExecutionStatus").getAsString());
    assertEquals("INDEXED_VALUE_TYPE_DATETIME", attributes.getAsJsonObject("systemAttributes").get("StartTime").getAsString());
    assertTrue(attributes.getAsJsonObject("customAttributes").has("CustomKeywordField"));
  }

  @Test
  void workflowListFiltersByTheUisCommonQueries() throws Exception {
    assertEquals(List.of("running-1", "done-1"), listIds(""), "newest start first");
    assertEquals(List.of("running-1"), listIds("ExecutionStatus=\"Running\""));
    assertEquals(List.of("done-1"), listIds("ExecutionStatus=\"Completed\""));
    assertEquals(List.of("done-1"), listIds("WorkflowId=\"done-1\""));
    assertEquals(List.of("running-1", "done-1"), listIds("WorkflowType=\"DemoSettlement\""));
    assertEquals(List.of(), listIds("WorkflowType=\"Other\""));
    assertEquals(List.of("running-1", "done-1"), listIds("StartTime > \"2000-01-01T00:00:00Z\""));
    assertEquals(List.of(), listIds("StartTime BETWEEN \"2000-01-01T00:00:00Z\" AND \"2000-01-02T00:00:00Z\""));
    assertEquals(List.of("done-1", "running-1"), listIds("ORDER BY StartTime ASC"));
    assertEquals(List.of("done-1"), listIds("`WorkflowId` STARTS_WITH \"done\" AND (ExecutionStatus = 'Completed' OR ExecutionStatus = 'Failed')"));
  }

  @Test
  void workflowListPagesWithATokenAndRejectsBadQueries() throws Exception {
    JsonObject first = get("/api/v1/namespaces/default/workflows?pageSize=1");
    assertEquals(1, first.getAsJsonArray("executions").size());
    String token = first.get("nextPageToken").getAsString();
    JsonObject second = get("/api/v1/namespaces/default/workflows?pageSize=1&nextPageToken=" + q(token));
    assertEquals("done-1", second.getAsJsonArray("executions").get(0).getAsJsonObject().getAsJsonObject("execution").get("workflowId").getAsString());
    assertFalse(second.has("nextPageToken"));

    HttpResponse<String> bad =
        send(HttpRequest.newBuilder(URI.create(ui.url() + "/api/v1/namespaces/default/workflows?query=" + q("WorkflowId ~ 'x'"))));
    assertEquals(400, bad.statusCode());
    assertTrue(JsonParser.parseString(bad.body()).getAsJsonObject().get("message").getAsString().contains("~"));
  }

  @Test
  void countsAndGroupsByExecutionStatus() throws Exception {
    assertEquals("2", get("/api/v1/namespaces/default/workflow-count").get("count").getAsString());
    assertEquals("1", get("/api/v1/namespaces/default/workflow-count?query=" + q("ExecutionStatus=\"Running\"")).get("count").getAsString());
    JsonObject grouped = get("/api/v1/namespaces/default/workflow-count?query=" + q("GROUP BY ExecutionStatus"));
    assertEquals("2", grouped.get("count").getAsString());
    Map<String, String> groups = new HashMap<>();
    for (JsonElement g : grouped.getAsJsonArray("groups")) {
      String data = g.getAsJsonObject().getAsJsonArray("groupValues").get(0).getAsJsonObject().get("data").getAsString();
      groups.put(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8), g.getAsJsonObject().get("count").getAsString());
    }
    assertEquals(Map.of("\"Running\"", "1", "\"Completed\"", "1"), groups);
  }

  @Test
  void taskQueuesReportTheInProcessWorkersAsPollers() throws Exception {
    JsonObject queue = get("/api/v1/namespaces/default/task-queues/" + DemoWorkflow.TASK_QUEUE + "?taskQueueType=1");
    JsonObject poller = queue.getAsJsonArray("pollers").get(0).getAsJsonObject();
    assertEquals(LoopbackTemporal.WORKER_IDENTITY, poller.get("identity").getAsString());
    assertTrue(poller.has("lastAccessTime"));
  }

  @Test
  void historyReverseIsNewestFirstAndPaged() throws Exception {
    JsonArray forward = get("/api/v1/namespaces/default/workflows/done-1/history").getAsJsonObject("history").getAsJsonArray("events");
    JsonObject firstPage = get("/api/v1/namespaces/default/workflows/done-1/history-reverse?maximumPageSize=2");
    JsonArray page = firstPage.getAsJsonObject("history").getAsJsonArray("events");
    assertEquals(2, page.size());
    assertEquals(forward.get(forward.size() - 1), page.get(0));
    assertEquals(forward.get(forward.size() - 2), page.get(1));
    List<JsonElement> all = new ArrayList<>();
    page.forEach(all::add);
    String token = firstPage.get("nextPageToken").getAsString();
    while (token != null) {
      JsonObject next = get("/api/v1/namespaces/default/workflows/done-1/history-reverse?maximumPageSize=2&nextPageToken=" + q(token));
      next.getAsJsonObject("history").getAsJsonArray("events").forEach(all::add);
      token = next.has("nextPageToken") ? next.get("nextPageToken").getAsString() : null;
    }
    List<JsonElement> expected = new ArrayList<>();
    forward.forEach(expected::add);
    java.util.Collections.reverse(expected);
    assertEquals(expected, all);
  }

  @Test
  void describeShowsThePendingActivityWithHeartbeatDetails() throws Exception {
    JsonObject described = get("/api/v1/namespaces/default/workflows/running-1");
    JsonObject pending = described.getAsJsonArray("pendingActivities").get(0).getAsJsonObject();
    assertEquals("ProcessChunk", pending.getAsJsonObject("activityType").get("name").getAsString());
  }

  @Test
  void queriesAreTranscodedFromTheBody() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(ui.url() + "/api/v1/namespaces/default/workflows/running-1/query/progress"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{}}")));
    assertEquals(200, response.statusCode(), response.body());
    JsonObject payload =
        JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("queryResult").getAsJsonArray("payloads").get(0).getAsJsonObject();
    String value = new String(Base64.getDecoder().decode(payload.get("data").getAsString()), StandardCharsets.UTF_8);
    assertEquals("\"chunks 0/1 done\"", value);
  }

  @Test
  void errorsAreJsonWithTheMatchingStatus() throws Exception {
    HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(ui.url() + "/api/v1/namespaces/default/workflows/no-such-id")));
    assertEquals(404, missing.statusCode());
    assertTrue(JsonParser.parseString(missing.body()).getAsJsonObject().has("message"));
  }

  @Test
  void mutatingRequestsFromAnotherOriginAreRefused() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(ui.url() + "/api/v1/namespaces/default/workflows/running-1/terminate"))
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(403, response.statusCode());
    assertEquals("RUNNING", temporal.client.newUntypedWorkflowStub("running-1").describe().getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
  }

  @Test
  void appRoutesFallBackToIndexHtmlWhenTheUiIsBuilt() throws Exception {
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(ui.url() + "/namespaces/default/workflows")));
    if (new StaticAssets(getClass().getClassLoader()).available()) {
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<div id=\"svelte\">"));
      HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(ui.url() + "/_app/immutable/nope.js")));
      assertEquals(404, missing.statusCode());
    } else {
      assertEquals(503, page.statusCode());
    }
  }

  @Test
  void urlIsLoopback() {
    assertEquals("http://127.0.0.1:" + ui.port(), ui.url());
    assertEquals(ui.url() + "/namespaces/default/workflows/job%2Fprocess", ui.workflowUrl("job/process"));
    assertTrue(WorkflowStub.class.isInterface());
  }
}
