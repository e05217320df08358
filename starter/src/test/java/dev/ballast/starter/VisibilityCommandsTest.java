package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.JobSearchAttributes;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.starter.commands.ListCommand;
import dev.ballast.testkit.RealTemporalServer;
import dev.ballast.testkit.TestTemporal;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ballast setup} and what it enables, once on the embedded service and once on a real
 * server: search attributes on jobs, {@code list --query}, and {@code list} paging past 100 jobs
 * with counts by status.
 */
@ParameterizedClass(name = "on the {0} service")
@EnumSource(TestTemporal.Kind.class)
@Timeout(180)
class VisibilityCommandsTest {
  /** Jobs started here on a queue no worker polls: they stay RUNNING. */
  private static final String UNPOLLED = "ballast-test-unpolled";
  private static final Pattern ROW = Pattern.compile("^(\\S+)\\s+(\\S+)\\s+(RUNNING|COMPLETED|FAILED|CANCELED|TERMINATED|TIMED_OUT)\\s.*");

  @Parameter TestTemporal.Kind kind;

  private static CliService service;

  @BeforeParameterizedClassInvocation
  static void start(TestTemporal.Kind kind) {
    service = CliService.start(kind, 2);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  private static boolean real() {
    return service.kind() == TestTemporal.Kind.REAL;
  }

  @Test
  void setupIsIdempotentAndRefusesAConflictingType() {
    Cli.Result again = service.run("setup");
    assertEquals(0, again.code(), again.out() + again.err());
    if (!real()) {
      assertTrue(again.out().contains("cannot list search attributes") && again.out().contains("nothing registered"),
          again.out());
      assertEquals(1, again.out().lines().count(), again.out());
      return;
    }
    // CliService ran `ballast setup` once already: everything is there now.
    for (var key : JobSearchAttributes.ALL) {
      assertTrue(again.out().lines().anyMatch(l -> l.startsWith(key.getName() + " ") && l.endsWith("already registered")),
          again.out());
    }

    // As for every command, a namespace the server does not have is found when connecting.
    Cli.Result unknown = service.run("setup", "--namespace", "no-such-namespace");
    assertEquals(ExitCodes.UNREACHABLE, unknown.code(), unknown.out() + unknown.err());
    assertEquals(1, unknown.errLines(), unknown.err());
    assertTrue(unknown.err().contains("namespace 'no-such-namespace' does not exist"), unknown.err());

    // A server where BallastStage already exists as an Int: an error, and nothing registered.
    try (RealTemporalServer other =
        RealTemporalServer.start(RealTemporalServer.options().searchAttribute("BallastStage", "Int"))) {
      Cli.Result conflict = Cli.run(Map.of(), service.dir, "setup", "--address", other.address());
      assertEquals(ExitCodes.CONFLICT_OR_NOT_FOUND, conflict.code(), conflict.out() + conflict.err());
      assertEquals(1, conflict.errLines(), conflict.err());
      assertTrue(conflict.err().contains("BallastStage is registered in namespace default as Int, Ballast needs Keyword"),
          conflict.err());
      try (JobConnection c = JobConnection.open(other.address(), "default", "test")) {
        assertFalse(SearchAttributeRegistry.registered(c.stubs(), "default",
            List.of(JobSearchAttributes.JOB_TYPE), java.time.Duration.ofSeconds(5)), "nothing was registered");
      }
    }
  }

  @Test
  void jobsCarryTheirTypeStageAndProgressAndListPassesQueriesToTheServer() throws Exception {
    Path input = service.dir.resolve("attrs.csv");
    SampleGenerator.write(input, 20_000, 9);
    Cli.Result started = service.run("start", "--id", "attrs-1", "--type", "settlement", "--input", input.toString(),
        "--output", service.dir.resolve("attrs-out").toString(), "--chunk-bytes", "262144");
    assertEquals(0, started.code(), started.err());
    Cli.Result watched = service.run("watch", "attrs-1");
    assertEquals(0, watched.code(), watched.out() + watched.err());

    String query = "BallastJobType = 'settlement' AND BallastStage = 'DONE'";
    WorkflowClient client = service.worker.client();
    SearchAttributes attributes = client.newUntypedWorkflowStub("attrs-1").describe().getTypedSearchAttributes();
    if (!real()) {
      // No visibility store: jobs run without the attributes, and list says why it cannot filter.
      assertFalse(attributes.containsKey(JobSearchAttributes.JOB_TYPE), attributes.toString());
      Cli.Result list = service.run("list", "--query", query);
      assertEquals(ExitCodes.USAGE, list.code(), list.out() + list.err());
      assertEquals(1, list.errLines(), list.err());
      assertTrue(list.err().startsWith("--query needs a Temporal server with a visibility store"), list.err());
      return;
    }
    assertEquals("settlement", attributes.get(JobSearchAttributes.JOB_TYPE));
    assertEquals("DONE", attributes.get(JobSearchAttributes.STAGE));
    assertEquals(100L, attributes.get(JobSearchAttributes.PROGRESS));
    // Set at the start, then updated as the job went from stage to stage.
    List<String> stages = new ArrayList<>();
    List<Long> progress = new ArrayList<>();
    for (HistoryEvent event : client.fetchHistory("attrs-1").getEvents()) {
      Map<String, Payload> fields = new LinkedHashMap<>();
      if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
        fields.putAll(event.getWorkflowExecutionStartedEventAttributes().getSearchAttributes().getIndexedFieldsMap());
      } else if (event.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
        fields.putAll(event.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap());
      }
      if (fields.containsKey("BallastStage")) {
        String stage = decode(fields.get("BallastStage"), String.class);
        if (stages.isEmpty() || !stages.get(stages.size() - 1).equals(stage)) {
          stages.add(stage);
        }
      }
      if (fields.containsKey("BallastProgress")) {
        progress.add(decode(fields.get("BallastProgress"), Long.class));
      }
    }
    assertEquals(List.of("PLAN", "PROCESS", "MERGE", "COMMIT", "DONE"), stages);
    assertEquals(0L, progress.get(0));
    assertEquals(100L, progress.get(progress.size() - 1));
    assertTrue(progress.size() > 5, "progress updated during the process stage too: " + progress);
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes back: " + progress);
    }

    // The query: a settlement job held in its process stage, found by the server.
    Cli.Result held = service.run("start", "--id", "attrs-2", "--type", "settlement", "--input", input.toString(),
        "--output", service.dir.resolve("attrs-out-2").toString(), "--chunk-bytes", "262144");
    assertEquals(0, held.code(), held.err());
    assertEquals(0, service.run("pause", "attrs-2").code());
    String processing = "BallastJobType = 'settlement' AND BallastStage = 'PROCESS'";
    Cli.Result inProcess = awaitList(r -> ids(r).contains("attrs-2"), "--query", processing);
    assertFalse(ids(inProcess).contains("attrs-1"), inProcess.out());
    assertTrue(inProcess.out().contains("1 job: 1 RUNNING"), inProcess.out());
    Cli.Result done = awaitList(r -> ids(r).contains("attrs-1"), "--query", query);
    assertFalse(ids(done).contains("attrs-2"), done.out());
    assertTrue(done.out().lines().anyMatch(l -> l.matches("attrs-1\\s+settlement\\s+COMPLETED\\s+DONE 100%\\s.*")),
        done.out());
    assertEquals(0, service.run("cancel", "attrs-2").code());

    Cli.Result bad = service.run("list", "--query", "NoSuchAttribute = 'x'");
    assertEquals(ExitCodes.USAGE, bad.code(), bad.out() + bad.err());
    assertEquals(1, bad.errLines(), bad.err());
    assertTrue(bad.err().startsWith("bad --query: ") && bad.err().contains("NoSuchAttribute"), bad.err());
  }

  @Test
  void listPagesPastAHundredJobsAndCountsThemByStatus() throws Exception {
    int jobs = 120;
    int terminated = 5;
    WorkflowClient client = service.worker.client();
    for (int i = 0; i < jobs; i++) {
      client.newUntypedWorkflowStub(Jobs.WORKFLOW_TYPE,
              WorkflowOptions.newBuilder().setWorkflowId(String.format("page-%03d", i)).setTaskQueue(UNPOLLED).build())
          .start();
    }
    for (int i = 0; i < terminated; i++) {
      client.newUntypedWorkflowStub(String.format("page-%03d", i)).terminate("test");
    }

    if (real()) {
      awaitVisible(client, "ExecutionStatus = 'Terminated'", terminated);
      awaitVisible(client, "ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'page-'", jobs - terminated);
    }

    // Everything, paged from the server (100 at a time) or from the embedded service's lists.
    Cli.Result all = service.run("list", "--limit", "0");
    assertEquals(0, all.code(), all.err());
    assertEquals(jobs, pageIds(all).size(), all.out());
    assertEquals(terminated, countOf(all, "TERMINATED"), all.out());
    List<String> rows = rows(all);
    assertEquals(total(all), rows.size(), "the counts line counts what --limit 0 lists:\n" + all.out());
    for (String status : List.of("RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED")) {
      long listed = rows.stream().filter(l -> status(l).equals(status)).count();
      assertEquals(listed, countOf(all, status), status + " in\n" + all.out());
    }
    assertTrue(countOf(all, "RUNNING") >= jobs - terminated, all.out());
    assertFalse(all.out().contains("showing"), all.out());

    // The default limit: 100 rows, and the counts of all of them.
    Cli.Result first = service.run("list");
    assertEquals(0, first.code(), first.err());
    assertEquals(ListCommand.DEFAULT_LIMIT, rows(first).size(), first.out());
    assertEquals(total(all), total(first), first.out());
    assertTrue(first.out().contains("; showing 100 (--limit N shows more, --limit 0 all)"), first.out());

    Cli.Result some = service.run("list", "--limit", "110");
    assertEquals(110, rows(some).size(), some.out());

    Cli.Result onlyTerminated = service.run("list", "--status", "terminated");
    assertEquals(terminated, rows(onlyTerminated).size(), onlyTerminated.out());
    assertTrue(onlyTerminated.out().contains(terminated + " jobs: " + terminated + " TERMINATED"), onlyTerminated.out());

    Cli.Result negative = service.run("list", "--limit", "-1");
    assertEquals(ExitCodes.USAGE, negative.code(), negative.err());
  }

  /** Waits until the server's visibility store counts {@code expected} jobs matching {@code query}. */
  private static void awaitVisible(WorkflowClient client, String query, long expected) throws InterruptedException {
    String q = "WorkflowType = '" + Jobs.WORKFLOW_TYPE + "' AND " + query;
    long deadline = System.nanoTime() + 30_000_000_000L;
    long count;
    do {
      count = client.getWorkflowServiceStubs().blockingStub()
          .countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace()).setQuery(q).build())
          .getCount();
      if (count == expected) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(q + ": " + count + " jobs, not " + expected);
  }

  /** Runs {@code list ARGS} until its output satisfies {@code condition} (visibility lags a little). */
  private static Cli.Result awaitList(Predicate<Cli.Result> condition, String... args) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of("list"));
    command.addAll(List.of(args));
    long deadline = System.nanoTime() + 30_000_000_000L;
    Cli.Result last;
    do {
      last = service.run(command.toArray(String[]::new));
      assertEquals(0, last.code(), last.out() + last.err());
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("list " + String.join(" ", args) + " never matched; last:\n" + last.out());
  }

  private static List<String> rows(Cli.Result list) {
    return list.out().lines().filter(l -> ROW.matcher(l).matches()).toList();
  }

  private static List<String> ids(Cli.Result list) {
    return rows(list).stream().map(l -> l.split("\\s+")[0]).toList();
  }

  private static List<String> pageIds(Cli.Result list) {
    return ids(list).stream().filter(id -> id.startsWith("page-")).toList();
  }

  private static String status(String row) {
    Matcher m = ROW.matcher(row);
    assertTrue(m.matches(), row);
    return m.group(3);
  }

  /** N of the {@code N jobs: ...} line. */
  private static long total(Cli.Result list) {
    Matcher m = Pattern.compile("(?m)^(\\d+) jobs?(:|$)").matcher(list.out());
    assertTrue(m.find(), "no counts line in\n" + list.out());
    return Long.parseLong(m.group(1));
  }

  /** The count of {@code status} on the counts line (0 when absent). */
  private static long countOf(Cli.Result list, String status) {
    Matcher line = Pattern.compile("(?m)^\\d+ jobs?: (.*)$").matcher(list.out());
    if (!line.find()) {
      return 0;
    }
    Matcher m = Pattern.compile("(\\d+) " + status + "\\b").matcher(line.group(1));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static <T> T decode(Payload payload, Class<T> type) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, type, type);
  }
}
