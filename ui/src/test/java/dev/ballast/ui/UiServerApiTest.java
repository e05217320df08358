package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;

/**
 * The bridge over HTTP against the real test server: each emulated RPC, the transcoded ones the UI
 * needs, settings, errors and the origin check. Two executions exist: {@code done-1} (completed)
 * and {@code running-1} (blocked in its first chunk); the last test adds {@code poll-1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
                .withPollers(
                    (namespace, queue, type) ->
                        namespace.equals(LoopbackTemporal.NAMESPACE)
                                && queue.equals(DemoWorkflow.TASK_QUEUE)
                                && type == TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
                            ? List.of(
                                PollerInfo.newBuilder()
                                    .setIdentity(LoopbackTemporal.WORKER_IDENTITY)
                                    .setLastAccessTime(Timestamps.fromMillis(System.currentTimeMillis()))
                                    .setRatePerSecond(100_000)
                                    .build())
                            : List.of()));
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
  void taskQueuesReportThePollersOfTheirTypeFromThePollerSource() throws Exception {
    JsonObject queue = get("/api/v1/namespaces/default/task-queues/" + DemoWorkflow.TASK_QUEUE + "?taskQueueType=1");
    JsonObject poller = queue.getAsJsonArray("pollers").get(0).getAsJsonObject();
    assertEquals(LoopbackTemporal.WORKER_IDENTITY, poller.get("identity").getAsString());
    assertTrue(poller.has("lastAccessTime"));
    assertFalse(
        get("/api/v1/namespaces/default/task-queues/" + DemoWorkflow.TASK_QUEUE + "?taskQueueType=2").has("pollers"),
        "no activity pollers in the source");
    assertFalse(get("/api/v1/namespaces/default/task-queues/other-queue?taskQueueType=1").has("pollers"));
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

  private List<JsonObject> events(JsonObject page) {
    List<JsonObject> events = new ArrayList<>();
    page.getAsJsonObject("history").getAsJsonArray("events").forEach(e -> events.add(e.getAsJsonObject()));
    return events;
  }

  private static long eventId(JsonObject event) {
    return Long.parseLong(event.get("eventId").getAsString());
  }

  @Test
  void historyLongPollStartsAtTheFirstEventOfAClosedRunAndEnds() throws Exception {
    List<JsonObject> all = events(get("/api/v1/namespaces/default/workflows/done-1/history"));
    JsonObject polled = get("/api/v1/namespaces/default/workflows/done-1/history?waitNewEvent=true");
    assertEquals(all, events(polled), "the first long poll returns the history from its first event");
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", all.get(0).get("eventType").getAsString());
    assertFalse(polled.has("nextPageToken"), "a closed run's history ends");
  }

  @Test
  void historyIsPagedByMaximumPageSize() throws Exception {
    List<JsonObject> all = events(get("/api/v1/namespaces/default/workflows/done-1/history"));
    List<JsonObject> paged = new ArrayList<>();
    String token = "";
    do {
      JsonObject page =
          get("/api/v1/namespaces/default/workflows/done-1/history?maximumPageSize=3&nextPageToken=" + q(token));
      List<JsonObject> events = events(page);
      assertTrue(events.size() <= 3, "page of " + events.size());
      paged.addAll(events);
      token = page.has("nextPageToken") ? page.get("nextPageToken").getAsString() : null;
    } while (token != null);
    assertEquals(all, paged);
    JsonObject close = get("/api/v1/namespaces/default/workflows/done-1/history?historyEventFilterType=HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT");
    assertEquals(List.of(all.get(all.size() - 1)), events(close));
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: it adds a third execution, which the list and count tests do not expect
  void historyLongPollOnAnOpenRunWaitsForTheNextEvent() throws Exception {
    WorkflowClient.start(stub("poll-1")::run, 2);
    temporal.awaitPendingActivity("poll-1", Duration.ofSeconds(10));
    JsonObject first = get("/api/v1/namespaces/default/workflows/poll-1/history?waitNewEvent=true");
    List<JsonObject> seen = events(first);
    assertEquals(1, eventId(seen.get(0)));
    String token = first.get("nextPageToken").getAsString();
    java.util.concurrent.CompletableFuture<JsonObject> next =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return get("/api/v1/namespaces/default/workflows/poll-1/history?waitNewEvent=true&nextPageToken=" + q(token));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(500);
    assertFalse(next.isDone(), "nothing new yet: the long poll waits");
    temporal.activities.release("poll-1/chunk-0");
    List<JsonObject> fresh = events(next.get(15, java.util.concurrent.TimeUnit.SECONDS));
    assertFalse(fresh.isEmpty());
    assertEquals(eventId(seen.get(seen.size() - 1)) + 1, eventId(fresh.get(0)), "continues after the last event seen");
    temporal.activities.release("poll-1/chunk-1");
  }

  @Test
  void describeReportsHistorySizeAndNoTimeoutsWhereNoneWereSet() throws Exception {
    JsonObject described = get("/api/v1/namespaces/default/workflows/done-1");
    io.temporal.api.history.v1.History history =
        temporal.client.fetchHistory("done-1").getHistory();
    assertEquals(
        String.valueOf(history.getSerializedSize()),
        described.getAsJsonObject("workflowExecutionInfo").get("historySizeBytes").getAsString());
    assertEquals("0s", described.getAsJsonObject("executionConfig").get("workflowRunTimeout").getAsString());
    assertEquals("0s", described.getAsJsonObject("executionConfig").get("workflowExecutionTimeout").getAsString());
    JsonObject pending = get("/api/v1/namespaces/default/workflows/running-1").getAsJsonArray("pendingActivities").get(0).getAsJsonObject();
    assertFalse(pending.has("expirationTime"), "no schedule-to-close timeout, no expiration: " + pending);
  }

  @Test
  void listedExecutionsCarryWhatAVisibilityStoreKeeps() throws Exception {
    JsonObject done =
        get("/api/v1/namespaces/default/workflows?query=" + q("WorkflowId=\"done-1\""))
            .getAsJsonArray("executions").get(0).getAsJsonObject();
    assertTrue(done.has("closeTime"), done.toString());
    assertEquals(DemoWorkflow.TASK_QUEUE, done.get("taskQueue").getAsString());
    assertEquals("done-1", done.getAsJsonObject("rootExecution").get("workflowId").getAsString());
    assertTrue(Long.parseLong(done.get("historySizeBytes").getAsString()) > 0);
    assertEquals(List.of("done-1"), listIds("RootWorkflowId = \"done-1\""));
    assertEquals(List.of(), listIds("ParentWorkflowId = \"done-1\""));
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
