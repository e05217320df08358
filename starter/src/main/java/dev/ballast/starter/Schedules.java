package dev.ballast.starter;

import dev.ballast.api.Causes;
import dev.ballast.api.model.DateTemplates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleBackfill;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What the {@code schedule} commands share: the client, error mapping, overlap names, backfill windows. */
public final class Schedules {
  /** The one line every {@code schedule} command prints on a service without the Schedules API. */
  public static final String UNSUPPORTED =
      "schedules need a Temporal server with the Schedules API (for example `temporal server start-dev`);"
          + " the embedded service (`ballast server`, `ballast run`) has none";

  private Schedules() {}

  /** A schedule client on {@code connection}, with its namespace and data converter (payload encryption). */
  public static ScheduleClient client(JobConnection connection) {
    return ScheduleClient.newInstance(
        connection.stubs(),
        ScheduleClientOptions.newBuilder()
            .setNamespace(connection.client().getOptions().getNamespace())
            .setDataConverter(connection.client().getOptions().getDataConverter())
            .build());
  }

  /**
   * {@code e} as the CLI reports it: no Schedules API (exit 2), no such schedule or one that exists
   * already (exit 5); anything else unchanged.
   */
  public static RuntimeException explain(RuntimeException e, String id) {
    if (e instanceof ScheduleAlreadyRunningException) {
      return new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "schedule " + id + " already exists", e);
    }
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        if (code == Status.Code.UNIMPLEMENTED) {
          return new CliException(ExitCodes.USAGE, UNSUPPORTED, e);
        }
        if (code == Status.Code.NOT_FOUND && id != null) {
          return new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "schedule " + id + " not found", e);
        }
        if (code == Status.Code.ALREADY_EXISTS && id != null) {
          return new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "schedule " + id + " already exists", e);
        }
      }
    }
    if (e instanceof ScheduleException && e.getCause() != null) {
      // The SDK's wrapper says only "Schedule exception": report what went wrong under it.
      Throwable root = Causes.root(e.getCause());
      return new IllegalStateException(root.getClass().getSimpleName() + ": " + root.getMessage(), e);
    }
    return e;
  }

  /** {@code skip}, {@code buffer-one}, {@code buffer-all}, {@code allow-all}, ... for a policy. */
  public static String name(ScheduleOverlapPolicy policy) {
    return policy.name().replace("SCHEDULE_OVERLAP_POLICY_", "").toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code skip}, {@code buffer-one}, {@code buffer-all}, {@code cancel-other}, {@code terminate-other}, {@code allow-all}. */
  public static class OverlapConverter implements ITypeConverter<ScheduleOverlapPolicy> {
    @Override
    public ScheduleOverlapPolicy convert(String value) {
      String key = "SCHEDULE_OVERLAP_POLICY_" + value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        ScheduleOverlapPolicy p = ScheduleOverlapPolicy.valueOf(key);
        if (p != ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED && p != ScheduleOverlapPolicy.UNRECOGNIZED) {
          return p;
        }
      } catch (IllegalArgumentException e) {
        // falls through
      }
      throw new TypeConversionException(
          "'" + value + "' is not an overlap policy (skip, buffer-one, buffer-all, cancel-other,"
              + " terminate-other, allow-all)");
    }
  }

  /**
   * The nominal times of the runs of schedule {@code id} that completed with a nominal time in
   * {@code [from, to]}, as visibility knows them.
   */
  public static SortedSet<Instant> completedRuns(JobConnection connection, String id, Instant from, Instant to) {
    SortedSet<Instant> done = new TreeSet<>();
    String query =
        "TemporalScheduledById = '" + id.replace("'", "\\'") + "' AND ExecutionStatus = 'Completed'";
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          connection
              .stubs()
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(connection.client().getOptions().getNamespace())
                      .setQuery(query)
                      .setPageSize(1000)
                      .setNextPageToken(token)
                      .build());
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        Payload p = info.getSearchAttributes().getIndexedFieldsMap().get(DateTemplates.SCHEDULED_START_TIME);
        if (p == null) {
          continue;
        }
        String text = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
        Instant nominal = OffsetDateTime.parse(text).toInstant();
        if (!nominal.isBefore(from) && !nominal.isAfter(to)) {
          done.add(nominal);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return done;
  }

  /**
   * The backfill requests that cover {@code [from, to]} but leave out the nominal times in {@code
   * skip} (each excluded by a gap of a millisecond on either side).
   */
  public static List<ScheduleBackfill> windows(
      Instant from, Instant to, SortedSet<Instant> skip, ScheduleOverlapPolicy overlap) {
    List<ScheduleBackfill> out = new ArrayList<>();
    Instant start = from;
    for (Instant t : skip) {
      Instant end = t.minus(Duration.ofMillis(1));
      if (!end.isBefore(start)) {
        out.add(new ScheduleBackfill(start, end, overlap));
      }
      start = t.plus(Duration.ofMillis(1));
    }
    if (!to.isBefore(start)) {
      out.add(new ScheduleBackfill(start, to, overlap));
    }
    return out;
  }
}
