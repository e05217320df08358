package dev.ballast.ui;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListNamespacesResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the RPCs the Web UI needs but the embedded service (Temporal's Java test server) does not
 * implement, from the RPCs it does implement. Every other call, and every emulated call the service
 * turns out to implement, goes to the service unchanged: an emulation is used only after the service
 * answered UNIMPLEMENTED for that method once, so against a real cluster nothing is emulated.
 *
 * <ul>
 *   <li>{@code GetClusterInfo}: a fixed description of the embedded service, with the server
 *       version from {@code GetSystemInfo} when it reports one.
 *   <li>{@code ListNamespaces}: the configured namespace, from {@code DescribeNamespace}.
 *   <li>{@code OperatorService.ListSearchAttributes}: the system attributes plus those the test
 *       server pre-registers.
 *   <li>{@code ListWorkflowExecutions}, {@code CountWorkflowExecutions}: every open and closed
 *       execution, filtered, ordered and grouped in memory by {@link VisibilityQuery}.
 *   <li>{@code DescribeTaskQueue}: the pollers the embedded service recorded ({@link
 *       TaskQueuePollers}; the test server keeps no poller list). Ballast's embedded service now
 *       answers it itself from the same records, so this serves a bare test server only.
 *   <li>{@code GetWorkflowExecutionHistoryReverse}: the whole history, newest event first.
 * </ul>
 *
 * <p>On the embedded service (recognised by its UNIMPLEMENTED {@code GetClusterInfo}) a few
 * implemented calls are corrected to answer as a real server would:
 *
 * <ul>
 *   <li>{@code GetWorkflowExecutionHistory}: paged by {@code maximumPageSize}; with {@code
 *       waitNewEvent} it returns the events the caller has not seen yet and waits (a long poll) only
 *       when there are none and the run is open (the test server answers a first long poll with no
 *       events at all, which left the UI without input, result or timeline);
 *   <li>{@code DescribeWorkflowExecution}: {@code historySizeBytes} (the serialized size of the
 *       history); no 10-year timeouts or activity expiration where none was set (the test server's
 *       stand-in for "none"). {@code stateTransitionCount} stays unset: the test server has no
 *       mutable-state transitions to count.
 *   <li>listed executions carry what a real visibility store keeps: parent and root execution,
 *       close time, task queue, memo, search attributes (read with {@code DescribeWorkflowExecution};
 *       closed ones are cached), ordered as a real server orders them (open first, then by close
 *       time, newest first).
 * </ul>
 *
 * Also: a history long poll that times out returns an empty page with the same token, as a real
 * server does, instead of an error.
 */
final class EmbeddedEmulation implements RpcInvoker {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedEmulation.class);

  /** Page size used to read the open/closed lists and histories in full. */
  static final int READ_PAGE_SIZE = 1000;

  static final int DEFAULT_LIST_PAGE_SIZE = 100;

  /**
   * The test server's run timeout when none is given (ten years); a real server reports such a
   * run as having no timeout.
   */
  static final com.google.protobuf.Duration TEST_SERVER_DEFAULT_TIMEOUT =
      com.google.protobuf.Duration.newBuilder().setSeconds(315_360_000L).build();

  /** How long a history long poll waits for a new event before answering with none. */
  static final java.time.Duration LONG_POLL = java.time.Duration.ofSeconds(20);

  private static final long LONG_POLL_INTERVAL_MILLIS = 200;

  private static final Map<String, IndexedValueType> SYSTEM_ATTRIBUTES = systemAttributes();
  private static final Map<String, IndexedValueType> TEST_SERVER_ATTRIBUTES = testServerAttributes();

  private final RpcInvoker service;
  private final ServiceCatalog catalog;
  private final String namespace;
  private final TaskQueuePollers pollers;
  private final Map<String, Function<Message, Message>> emulations = new LinkedHashMap<>();
  private final Map<String, Function<Message, Message>> corrections = new LinkedHashMap<>();
  private final Set<String> unimplemented = ConcurrentHashMap.newKeySet();
  /** Closed executions as listed (they no longer change), by run id. */
  private final Map<String, WorkflowExecutionInfo> closedInfos = new ConcurrentHashMap<>();
  private volatile Boolean embedded;

  EmbeddedEmulation(
      RpcInvoker service,
      ServiceCatalog catalog,
      String namespace,
      TaskQueuePollers pollers) {
    this.service = service;
    this.catalog = catalog;
    this.namespace = namespace;
    this.pollers = pollers;
    emulate("WorkflowService.GetClusterInfo", r -> clusterInfo());
    emulate("WorkflowService.ListNamespaces", r -> listNamespaces());
    emulate("OperatorService.ListSearchAttributes", r -> listSearchAttributes());
    emulate("WorkflowService.ListWorkflowExecutions", r -> listWorkflows((ListWorkflowExecutionsRequest) r));
    emulate("WorkflowService.CountWorkflowExecutions", r -> countWorkflows((CountWorkflowExecutionsRequest) r));
    emulate("WorkflowService.DescribeTaskQueue", r -> describeTaskQueue((DescribeTaskQueueRequest) r));
    emulate(
        "WorkflowService.GetWorkflowExecutionHistoryReverse",
        r -> historyReverse((GetWorkflowExecutionHistoryReverseRequest) r));
    correct("WorkflowService.GetWorkflowExecutionHistory", r -> history((GetWorkflowExecutionHistoryRequest) r));
    correct(
        "WorkflowService.DescribeWorkflowExecution",
        r -> describeWorkflow((DescribeWorkflowExecutionRequest) r));
  }

  private void emulate(String serviceDotMethod, Function<Message, Message> emulation) {
    emulations.put(catalog.get(serviceDotMethod).fullName(), emulation);
  }

  private void correct(String serviceDotMethod, Function<Message, Message> correction) {
    corrections.put(catalog.get(serviceDotMethod).fullName(), correction);
  }

  /**
   * Whether the service is the embedded one (Temporal's test server): it answers {@code
   * GetClusterInfo}, which every real frontend implements, with UNIMPLEMENTED. Asked once.
   */
  boolean embedded() {
    Boolean known = embedded;
    if (known == null) {
      ServiceCatalog.Rpc rpc = catalog.get("WorkflowService.GetClusterInfo");
      try {
        service.invoke(rpc, GetClusterInfoRequest.getDefaultInstance());
        known = false;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e; // unreachable or failing: decide on a later call
        }
        unimplemented.add(rpc.fullName());
        known = true;
      }
      embedded = known;
    }
    return known;
  }

  /** Full names of the methods this class can emulate. */
  Set<String> emulatedMethods() {
    return Collections.unmodifiableSet(emulations.keySet());
  }

  @Override
  public Message invoke(ServiceCatalog.Rpc rpc, Message request) {
    Function<Message, Message> emulation = emulations.get(rpc.fullName());
    if (emulation != null && unimplemented.contains(rpc.fullName())) {
      return runEmulation(emulation, request);
    }
    Function<Message, Message> correction = corrections.get(rpc.fullName());
    if (correction != null && embedded()) {
      return runEmulation(correction, request);
    }
    try {
      return service.invoke(rpc, request);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (emulation != null && code == Status.Code.UNIMPLEMENTED) {
        log.info("{} is not implemented by the service: emulating it", rpc.name());
        unimplemented.add(rpc.fullName());
        return runEmulation(emulation, request);
      }
      if (code == Status.Code.DEADLINE_EXCEEDED
          && request instanceof GetWorkflowExecutionHistoryRequest history
          && history.getWaitNewEvent()) {
        return GetWorkflowExecutionHistoryResponse.newBuilder()
            .setNextPageToken(history.getNextPageToken())
            .build();
      }
      throw e;
    }
  }

  private static Message runEmulation(Function<Message, Message> emulation, Message request) {
    try {
      return emulation.apply(request);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> T call(String serviceDotMethod, Message request) {
    return (T) service.invoke(catalog.get(serviceDotMethod), request);
  }

  // ---------------------------------------------------------------- cluster and namespaces

  GetClusterInfoResponse clusterInfo() {
    String version = "";
    try {
      GetSystemInfoResponse info = call("WorkflowService.GetSystemInfo", GetSystemInfoRequest.getDefaultInstance());
      version = info.getServerVersion();
    } catch (StatusRuntimeException e) {
      log.debug("GetSystemInfo failed: {}", e.getStatus());
    }
    return GetClusterInfoResponse.newBuilder()
        .setClusterName("ballast-embedded")
        .setClusterId("ballast-embedded")
        // Above 1.19 the UI treats the list as searchable by query ("advanced visibility").
        .setServerVersion(version.isEmpty() ? "1.27.0" : version)
        .setHistoryShardCount(1)
        .setPersistenceStore("in-memory")
        .setVisibilityStore("in-memory")
        .build();
  }

  ListNamespacesResponse listNamespaces() {
    DescribeNamespaceResponse described =
        call("WorkflowService.DescribeNamespace", DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    return ListNamespacesResponse.newBuilder().addNamespaces(described).build();
  }

  ListSearchAttributesResponse listSearchAttributes() {
    return ListSearchAttributesResponse.newBuilder()
        .putAllSystemAttributes(SYSTEM_ATTRIBUTES)
        .putAllCustomAttributes(TEST_SERVER_ATTRIBUTES)
        .build();
  }

  private static Map<String, IndexedValueType> systemAttributes() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    for (String keyword : List.of("WorkflowId", "RunId", "WorkflowType", "ExecutionStatus", "TaskQueue", "TemporalNamespaceDivision")) {
      m.put(keyword, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    for (String time : List.of("StartTime", "CloseTime", "ExecutionTime")) {
      m.put(time, IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    }
    m.put("HistoryLength", IndexedValueType.INDEXED_VALUE_TYPE_INT);
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, IndexedValueType> testServerAttributes() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    m.put("CustomKeywordField", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put("CustomStringField", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);
    m.put("CustomTextField", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);
    m.put("CustomIntField", IndexedValueType.INDEXED_VALUE_TYPE_INT);
    m.put("CustomDoubleField", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE);
    m.put("CustomBoolField", IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    m.put("CustomDatetimeField", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    return Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- listing and counting

  /** Every execution of the namespace, open and closed, as the service lists them. */
  List<WorkflowExecutionInfo> allExecutions(String ns) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page =
          call(
              "WorkflowService.ListOpenWorkflowExecutions",
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setMaximumPageSize(READ_PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    do {
      ListClosedWorkflowExecutionsResponse page =
          call(
              "WorkflowService.ListClosedWorkflowExecutions",
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setMaximumPageSize(READ_PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /**
   * An execution as a real visibility store lists it: the test server's lists lack the parent and
   * root execution, close time, task queue, memo and search attributes, which its describe has.
   * Closed executions are cached (they no longer change).
   */
  WorkflowExecutionInfo visibilityRecord(String ns, WorkflowExecutionInfo listed) {
    WorkflowExecutionInfo cached = closedInfos.get(listed.getExecution().getRunId());
    if (cached != null) {
      return cached;
    }
    WorkflowExecutionInfo info;
    try {
      DescribeWorkflowExecutionResponse described =
          call(
              "WorkflowService.DescribeWorkflowExecution",
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(ns)
                  .setExecution(listed.getExecution())
                  .build());
      info = described.getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      log.debug("cannot describe {}: {}", listed.getExecution(), e.getStatus());
      return listed;
    }
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return info;
    }
    WorkflowExecutionInfo closed =
        info.toBuilder().setHistorySizeBytes(historySize(ns, info.getExecution())).build();
    closedInfos.put(closed.getExecution().getRunId(), closed);
    return closed;
  }

  private List<WorkflowExecutionInfo> select(String ns, VisibilityQuery query) {
    List<WorkflowExecutionInfo> selected = new ArrayList<>();
    for (WorkflowExecutionInfo listed : allExecutions(ns)) {
      WorkflowExecutionInfo info = visibilityRecord(ns, listed);
      if (query.matches(info)) {
        selected.add(info);
      }
    }
    selected.sort(query.order());
    return selected;
  }

  ListWorkflowExecutionsResponse listWorkflows(ListWorkflowExecutionsRequest request) {
    VisibilityQuery query = VisibilityQuery.parse(request.getQuery());
    if (query.groupBy().isPresent()) {
      throw new IllegalArgumentException("GROUP BY is only valid when counting");
    }
    List<WorkflowExecutionInfo> selected = select(request.getNamespace(), query);
    int pageSize = request.getPageSize() > 0 ? request.getPageSize() : DEFAULT_LIST_PAGE_SIZE;
    int from = decodeOffset(request.getNextPageToken());
    int to = Math.min(selected.size(), from + pageSize);
    ListWorkflowExecutionsResponse.Builder response = ListWorkflowExecutionsResponse.newBuilder();
    if (from < to) {
      response.addAllExecutions(selected.subList(from, to));
    }
    if (to < selected.size()) {
      response.setNextPageToken(encodeOffset(to));
    }
    return response.build();
  }

  CountWorkflowExecutionsResponse countWorkflows(CountWorkflowExecutionsRequest request) {
    VisibilityQuery query = VisibilityQuery.parse(request.getQuery());
    List<WorkflowExecutionInfo> selected = select(request.getNamespace(), query);
    CountWorkflowExecutionsResponse.Builder response =
        CountWorkflowExecutionsResponse.newBuilder().setCount(selected.size());
    if (query.groupBy().isPresent()) {
      Map<WorkflowExecutionStatus, Long> counts = new EnumMap<>(WorkflowExecutionStatus.class);
      for (WorkflowExecutionInfo info : selected) {
        counts.merge(info.getStatus(), 1L, Long::sum);
      }
      counts.forEach(
          (status, count) ->
              response.addGroups(
                  CountWorkflowExecutionsResponse.AggregationGroup.newBuilder()
                      .addGroupValues(keywordPayload(VisibilityQuery.statusName(status)))
                      .setCount(count)));
    }
    return response.build();
  }

  /** A keyword search-attribute value, as a real server encodes it. */
  private static Payload keywordPayload(String value) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .putMetadata("type", ByteString.copyFromUtf8("Keyword"))
        .setData(ByteString.copyFrom(new com.google.gson.JsonPrimitive(value).toString(), StandardCharsets.UTF_8))
        .build();
  }

  static ByteString encodeOffset(long offset) {
    return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
  }

  static int decodeOffset(ByteString token) {
    if (token.isEmpty()) {
      return 0;
    }
    if (token.size() != Long.BYTES) {
      throw new IllegalArgumentException("invalid next page token");
    }
    long value = token.asReadOnlyByteBuffer().getLong();
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("invalid next page token");
    }
    return (int) value;
  }

  // ---------------------------------------------------------------- task queues

  DescribeTaskQueueResponse describeTaskQueue(DescribeTaskQueueRequest request) {
    TaskQueueType type =
        request.getTaskQueueType() == TaskQueueType.TASK_QUEUE_TYPE_UNSPECIFIED
            ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
            : request.getTaskQueueType();
    return DescribeTaskQueueResponse.newBuilder()
        .addAllPollers(pollers.pollers(request.getNamespace(), request.getTaskQueue().getName(), type))
        .build();
  }

  // ---------------------------------------------------------------- reverse history

  /** Every event of a run's history, as the service returns it without waiting. */
  List<HistoryEvent> readHistory(String ns, WorkflowExecution execution) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse page =
          call(
              "WorkflowService.GetWorkflowExecutionHistory",
              GetWorkflowExecutionHistoryRequest.newBuilder()
                  .setNamespace(ns)
                  .setExecution(execution)
                  .setMaximumPageSize(READ_PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      events.addAll(page.getHistory().getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }

  /** The size of a run's history as a real server counts it: its events, serialized. */
  long historySize(String ns, WorkflowExecution execution) {
    return History.newBuilder().addAllEvents(readHistory(ns, execution)).build().getSerializedSize();
  }

  GetWorkflowExecutionHistoryReverseResponse historyReverse(GetWorkflowExecutionHistoryReverseRequest request) {
    List<HistoryEvent> events = readHistory(request.getNamespace(), request.getExecution());
    // The token is the id of the newest event still to return, so pages stay put as history grows.
    long below = request.getNextPageToken().isEmpty() ? Long.MAX_VALUE : decodeOffset(request.getNextPageToken());
    int pageSize = request.getMaximumPageSize() > 0 ? request.getMaximumPageSize() : READ_PAGE_SIZE;
    History.Builder page = History.newBuilder();
    long next = 0;
    for (int i = events.size() - 1; i >= 0; i--) {
      HistoryEvent event = events.get(i);
      if (event.getEventId() > below) {
        continue;
      }
      if (page.getEventsCount() == pageSize) {
        next = event.getEventId();
        break;
      }
      page.addEvents(event);
    }
    GetWorkflowExecutionHistoryReverseResponse.Builder response =
        GetWorkflowExecutionHistoryReverseResponse.newBuilder().setHistory(page);
    if (next > 0) {
      response.setNextPageToken(encodeOffset(next));
    }
    return response.build();
  }

  // ---------------------------------------------------------------- history, as a real server pages it

  /**
   * A page of history from the event the token names (the first without one), at most {@code
   * maximumPageSize} events. With {@code waitNewEvent} and nothing new on an open run, waits up to
   * {@link #LONG_POLL} for an event, then answers an empty page with the same token. The answer
   * carries a token while events remain, and while the run is open for a long-polling caller.
   */
  GetWorkflowExecutionHistoryResponse history(GetWorkflowExecutionHistoryRequest request) {
    String ns = request.getNamespace();
    long from = request.getNextPageToken().isEmpty() ? 1 : decodeOffset(request.getNextPageToken());
    boolean closeEventOnly =
        request.getHistoryEventFilterType() == HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
    long deadline = System.nanoTime() + LONG_POLL.toNanos();
    while (true) {
      DescribeWorkflowExecutionResponse described =
          call(
              "WorkflowService.DescribeWorkflowExecution",
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(ns)
                  .setExecution(request.getExecution())
                  .build());
      WorkflowExecutionInfo info = described.getWorkflowExecutionInfo();
      boolean open = info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
      boolean ready = closeEventOnly ? !open : info.getHistoryLength() >= from;
      if (ready) {
        List<HistoryEvent> events = readHistory(ns, info.getExecution());
        History.Builder page = History.newBuilder();
        if (closeEventOnly) {
          page.addEvents(events.get(events.size() - 1));
          return GetWorkflowExecutionHistoryResponse.newBuilder().setHistory(page).build();
        }
        int pageSize = request.getMaximumPageSize() > 0 ? request.getMaximumPageSize() : READ_PAGE_SIZE;
        long next = from;
        for (HistoryEvent event : events) {
          if (event.getEventId() >= from && page.getEventsCount() < pageSize) {
            page.addEvents(event);
            next = event.getEventId() + 1;
          }
        }
        GetWorkflowExecutionHistoryResponse.Builder response =
            GetWorkflowExecutionHistoryResponse.newBuilder().setHistory(page);
        long last = events.isEmpty() ? 0 : events.get(events.size() - 1).getEventId();
        if (next <= last || (open && request.getWaitNewEvent())) {
          response.setNextPageToken(encodeOffset(next));
        }
        return response.build();
      }
      if (!open || !request.getWaitNewEvent() || System.nanoTime() > deadline) {
        GetWorkflowExecutionHistoryResponse.Builder empty =
            GetWorkflowExecutionHistoryResponse.newBuilder().setHistory(History.getDefaultInstance());
        if (open) {
          empty.setNextPageToken(request.getNextPageToken().isEmpty() ? encodeOffset(from) : request.getNextPageToken());
        }
        return empty.build();
      }
      try {
        Thread.sleep(LONG_POLL_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
      }
    }
  }

  // ---------------------------------------------------------------- describe, as a real server answers it

  DescribeWorkflowExecutionResponse describeWorkflow(DescribeWorkflowExecutionRequest request) {
    DescribeWorkflowExecutionResponse described = call("WorkflowService.DescribeWorkflowExecution", request);
    DescribeWorkflowExecutionResponse.Builder response = described.toBuilder();
    WorkflowExecutionInfo info = described.getWorkflowExecutionInfo();
    if (info.getHistorySizeBytes() == 0) {
      response
          .getWorkflowExecutionInfoBuilder()
          .setHistorySizeBytes(historySize(request.getNamespace(), info.getExecution()));
    }
    var config = response.getExecutionConfigBuilder();
    if (config.getWorkflowExecutionTimeout().equals(TEST_SERVER_DEFAULT_TIMEOUT)) {
      config.setWorkflowExecutionTimeout(com.google.protobuf.Duration.getDefaultInstance());
    }
    if (config.getWorkflowRunTimeout().equals(TEST_SERVER_DEFAULT_TIMEOUT)) {
      config.setWorkflowRunTimeout(com.google.protobuf.Duration.getDefaultInstance());
    }
    // An activity without a schedule-to-close timeout gets the run's (ten-year) timeout as its
    // expiration on the test server; a real server sets none.
    long noExpirationAfter = info.getStartTime().getSeconds() + TEST_SERVER_DEFAULT_TIMEOUT.getSeconds() - 86_400;
    for (PendingActivityInfo.Builder activity : response.getPendingActivitiesBuilderList()) {
      if (activity.hasExpirationTime() && activity.getExpirationTime().getSeconds() >= noExpirationAfter) {
        activity.clearExpirationTime();
      }
    }
    return response.build();
  }
}
