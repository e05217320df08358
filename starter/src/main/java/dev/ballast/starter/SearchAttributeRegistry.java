package dev.ballast.starter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Custom search attributes of a namespace, through the OperatorService: which are registered, and
 * registering the missing ones ({@code ballast setup}).
 */
public final class SearchAttributeRegistry {
  /** How long one call may take. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** How long {@link #register} waits for added attributes to be listed. */
  private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

  /** What {@link #register} did. */
  public record Outcome(Kind kind, List<SearchAttributeKey<?>> added, String message) {}

  /** How {@link #register} ended. */
  public enum Kind {
    /** Every attribute is registered with its type ({@link Outcome#added()}: those added now). */
    DONE,
    /** An attribute is registered with another type; nothing was changed. */
    CONFLICT,
    /** The service has no search-attribute API (the embedded service). */
    NOT_SUPPORTED,
    /** The namespace does not exist. */
    NAMESPACE_NOT_FOUND
  }

  private SearchAttributeRegistry() {}

  /** {@code Keyword}, {@code Int}...: the type's name as the Temporal CLI and queries spell it. */
  public static String typeName(SearchAttributeKey<?> key) {
    return typeName(key.getValueType());
  }

  private static String typeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> type.name();
    };
  }

  /**
   * Whether every one of {@code keys} is registered in {@code namespace} with its type. False on a
   * service without the search-attribute API (the embedded service) and when no answer comes
   * within {@code timeout}.
   */
  public static boolean registered(
      WorkflowServiceStubs stubs, String namespace, List<SearchAttributeKey<?>> keys, Duration timeout) {
    try {
      return withOperator(stubs, operator -> {
        Map<String, IndexedValueType> custom = list(operator, namespace, timeout).getCustomAttributesMap();
        return keys.stream().allMatch(k -> custom.get(k.getName()) == k.getValueType());
      });
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Registers those of {@code keys} that {@code namespace} lacks, after checking that none is
   * registered with another type, and waits until the service lists them.
   *
   * @throws StatusRuntimeException on any other error of the service
   */
  public static Outcome register(WorkflowServiceStubs stubs, String namespace, List<SearchAttributeKey<?>> keys) {
    return withOperator(stubs, operator -> {
      ListSearchAttributesResponse before;
      try {
        before = list(operator, namespace, CALL_TIMEOUT);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          return new Outcome(Kind.NOT_SUPPORTED, List.of(), "");
        }
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return new Outcome(Kind.NAMESPACE_NOT_FOUND, List.of(), e.getStatus().getDescription());
        }
        throw e;
      }
      String conflict = conflict(before, namespace, keys);
      if (conflict != null) {
        return new Outcome(Kind.CONFLICT, List.of(), conflict);
      }
      List<SearchAttributeKey<?>> missing = new ArrayList<>();
      for (SearchAttributeKey<?> key : keys) {
        if (!before.getCustomAttributesMap().containsKey(key.getName())) {
          missing.add(key);
        }
      }
      if (missing.isEmpty()) {
        return new Outcome(Kind.DONE, List.of(), "");
      }
      AddSearchAttributesRequest.Builder add = AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
      missing.forEach(k -> add.putSearchAttributes(k.getName(), k.getValueType()));
      try {
        operator.blockingStub()
            .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .addSearchAttributes(add.build());
      } catch (StatusRuntimeException e) {
        // Someone else registered one meanwhile: say what is there now.
        String now = conflict(list(operator, namespace, CALL_TIMEOUT), namespace, keys);
        if (now != null) {
          return new Outcome(Kind.CONFLICT, List.of(), now);
        }
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
      awaitListed(operator, namespace, keys);
      return new Outcome(Kind.DONE, List.copyOf(missing), "");
    });
  }

  /** Why {@code keys} cannot be registered as they are, or null when they can. */
  private static String conflict(
      ListSearchAttributesResponse listed, String namespace, List<SearchAttributeKey<?>> keys) {
    for (SearchAttributeKey<?> key : keys) {
      IndexedValueType existing = listed.getCustomAttributesMap().get(key.getName());
      if (existing == null) {
        existing = listed.getSystemAttributesMap().get(key.getName());
      }
      if (existing != null && existing != key.getValueType()) {
        return "search attribute " + key.getName() + " is registered in namespace " + namespace + " as "
            + typeName(existing) + ", Ballast needs " + typeName(key) + ": remove it (temporal operator"
            + " search-attribute remove --name " + key.getName() + ") or use another namespace";
      }
    }
    return null;
  }

  private static void awaitListed(OperatorServiceStubs operator, String namespace, List<SearchAttributeKey<?>> keys) {
    long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
    while (true) {
      Map<String, IndexedValueType> custom = list(operator, namespace, CALL_TIMEOUT).getCustomAttributesMap();
      if (keys.stream().allMatch(k -> custom.get(k.getName()) == k.getValueType())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new CliException(ExitCodes.JOB_FAILED, "the search attributes were added but namespace "
            + namespace + " still does not list them after " + VISIBLE_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static ListSearchAttributesResponse list(
      OperatorServiceStubs operator, String namespace, Duration timeout) {
    return operator.blockingStub()
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
  }

  /** Runs {@code call} with operator stubs on the same connection settings as {@code stubs}. */
  private static <T> T withOperator(WorkflowServiceStubs stubs, Function<OperatorServiceStubs, T> call) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubs.getOptions()).validateAndBuildWithDefaults());
    try {
      return call.apply(operator);
    } finally {
      operator.shutdownNow();
    }
  }
}
