package dev.ballast.ui;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
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
 *   <li>{@code DescribeTaskQueue}: the in-process worker identities as pollers (the test server
 *       keeps no poller list), so the UI does not warn "No Workers Running".
 *   <li>{@code GetWorkflowExecutionHistoryReverse}: the whole history, newest event first.
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

  private static final Map<String, IndexedValueType> SYSTEM_ATTRIBUTES = systemAttributes();
  private static final Map<String, IndexedValueType> TEST_SERVER_ATTRIBUTES = testServerAttributes();

  private final RpcInvoker service;
  private final ServiceCatalog catalog;
  private final String namespace;
  private final Supplier<List<String>> workerIdentities;
  private final Clock clock;
  private final Map<String, Function<Message, Message>> emulations = new LinkedHashMap<>();
  private final Set<String> unimplemented = ConcurrentHashMap.newKeySet();

  EmbeddedEmulation(
      RpcInvoker service,
      ServiceCatalog catalog,
      String namespace,
      Supplier<List<String>> workerIdentities,
      Clock clock) {
    this.service = service;
    this.catalog = catalog;
    this.namespace = namespace;
    this.workerIdentities = workerIdentities;
    this.clock = clock;
    emulate("WorkflowService.GetClusterInfo", r -> clusterInfo());
    emulate("WorkflowService.ListNamespaces", r -> listNamespaces());
    emulate("OperatorService.ListSearchAttributes", r -> listSearchAttributes());
    emulate("WorkflowService.ListWorkflowExecutions", r -> listWorkflows((ListWorkflowExecutionsRequest) r));
    emulate("WorkflowService.CountWorkflowExecutions", r -> countWorkflows((CountWorkflowExecutionsRequest) r));
    emulate("WorkflowService.DescribeTaskQueue", r -> describeTaskQueue());
    emulate(
        "WorkflowService.GetWorkflowExecutionHistoryReverse",
        r -> historyReverse((GetWorkflowExecutionHistoryReverseRequest) r));
  }

  private void emulate(String serviceDotMethod, Function<Message, Message> emulation) {
    emulations.put(catalog.get(serviceDotMethod).fullName(), emulation);
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

  private List<WorkflowExecutionInfo> select(String ns, VisibilityQuery query) {
    List<WorkflowExecutionInfo> selected = new ArrayList<>();
    for (WorkflowExecutionInfo info : allExecutions(ns)) {
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
                      .addGroupValues(jsonPayload("\"" + VisibilityQuery.statusName(status) + "\""))
                      .setCount(count)));
    }
    return response.build();
  }

  private static Payload jsonPayload(String json) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(json, StandardCharsets.UTF_8))
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

  DescribeTaskQueueResponse describeTaskQueue() {
    Instant now = clock.instant();
    Timestamp lastAccess = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    DescribeTaskQueueResponse.Builder response = DescribeTaskQueueResponse.newBuilder();
    for (String identity : workerIdentities.get()) {
      response.addPollers(
          PollerInfo.newBuilder().setIdentity(identity).setLastAccessTime(lastAccess).setRatePerSecond(100_000));
    }
    return response.build();
  }

  // ---------------------------------------------------------------- reverse history

  GetWorkflowExecutionHistoryReverseResponse historyReverse(GetWorkflowExecutionHistoryReverseRequest request) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse page =
          call(
              "WorkflowService.GetWorkflowExecutionHistory",
              GetWorkflowExecutionHistoryRequest.newBuilder()
                  .setNamespace(request.getNamespace())
                  .setExecution(request.getExecution())
                  .setMaximumPageSize(READ_PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      events.addAll(page.getHistory().getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
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
}
