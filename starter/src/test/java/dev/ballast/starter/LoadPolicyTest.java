package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.jobs.load.LoadJobType;
import dev.ballast.testkit.TestPostgres;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load job's own retry policy, end to end: jobs started by the CLI, run by a worker against
 * a real PostgreSQL server. A database that is down retries per the load policy and the job
 * completes once it is back; a constraint violation fails the job at once with a clear message.
 */
@Timeout(180)
class LoadPolicyTest {
  @TempDir static Path dir;
  private static EmbeddedTemporal temporal;
  private static WorkerService worker;
  private static Map<String, String> env;

  private TestPostgres pg;
  private String table;

  @BeforeAll
  static void start() {
    temporal = EmbeddedTemporal.start(0);
    worker =
        Guice.createInjector(
                new WorkerModule(WorkerSettings.defaults(temporal.address()).withSticky(WorkerSettings.StickyMode.OFF)))
            .getInstance(WorkerService.class);
    worker.start();
    env = Map.of("TEMPORAL_ADDRESS", temporal.address());
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.stop();
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  @BeforeEach
  void createTable() throws Exception {
    pg = TestPostgres.require();
    table = "load_policy_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    sql("CREATE TABLE " + table + " (merchant_id text, date date, net_usd_cents bigint"
        + " CHECK (net_usd_cents > -1000000000), PRIMARY KEY (merchant_id, date))");
  }

  @AfterEach
  void dropTable() throws Exception {
    if (pg != null) {
      sql("DROP TABLE IF EXISTS " + table);
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private long rows() throws Exception {
    try (Connection c = pg.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** A load job spec (no policies of its own) writing {@code csv} through {@code url}. */
  private Path spec(String id, String csv, String url) throws IOException {
    Path in = Files.writeString(dir.resolve(id + ".csv"), csv);
    Files.writeString(dir.resolve(id + ".pw"), pg.password == null ? "" : pg.password);
    Path file = dir.resolve(id + ".json");
    Files.writeString(file, "{\"id\": \"" + id + "\", \"type\": \"load\", \"inputs\": [\"" + in + "\"],"
        + " \"output\": \"" + dir.resolve(id + "-out") + "\", \"parameters\": {\"table\": \"" + table + "\","
        + " \"key\": [\"merchant_id\", \"date\"], \"url\": \"" + url + "\", \"connectTimeoutSeconds\": 1,"
        + (pg.user == null ? "" : " \"user\": \"" + pg.user + "\",")
        + " \"passwordFile\": \"" + dir.resolve(id + ".pw") + "\"}}");
    return file;
  }

  private static String csv(int rows, long net) {
    StringBuilder sb = new StringBuilder("merchant_id,date,net_usd_cents\n");
    for (int i = 0; i < rows; i++) {
      sb.append("m").append(i).append(",2026-11-27,").append(net).append('\n');
    }
    return sb.toString();
  }

  /** The chunk activity's pending state in the job's process stage, if one is pending. */
  private static Optional<PendingActivityInfo> pendingChunk(String jobId) {
    try {
      return worker.client().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(jobId + "/process"))
              .build())
          .getPendingActivitiesList().stream().findFirst();
    } catch (RuntimeException notYet) {
      return Optional.empty();
    }
  }

  /** The process stage's events of {@code type} that concern chunk activities (not plan page reads). */
  private static List<HistoryEvent> chunkEvents(String jobId, EventType type) {
    WorkflowExecutionHistory history = worker.client().fetchHistory(jobId + "/process");
    return ChunkEvents.of(history.getEvents(), type);
  }

  @Test
  void aDatabaseThatIsDownIsRetriedPerTheLoadPolicyUntilItIsBack() throws Exception {
    URI target = URI.create(pg.url.substring("jdbc:".length()));
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    // The "database" is a proxy on a port where nothing listens yet: connection refused.
    String url = "jdbc:postgresql://127.0.0.1:" + port + target.getPath();
    Cli.Result started = Cli.run(env, dir, "start", spec("load-down", csv(500, 7), url).toString());
    assertEquals(0, started.code(), started.err());

    long deadline = System.nanoTime() + 60_000_000_000L;
    PendingActivityInfo pending = null;
    while (System.nanoTime() < deadline) {
      pending = pendingChunk("load-down").orElse(null);
      if (pending != null && pending.getAttempt() >= 3) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(pending != null && pending.getAttempt() >= 3, "two attempts failed: " + pending);
    assertEquals("DB_TRANSIENT", pending.getLastFailure().getApplicationFailureInfo().getType());
    assertTrue(pending.getLastFailure().getMessage().contains("will retry"), pending.getLastFailure().getMessage());

    try (Proxy proxy = new Proxy(port, target.getHost(), target.getPort())) {
      Cli.Result watched = Cli.run(env, dir, "watch", "load-down");
      assertEquals(0, watched.code(), watched.out() + watched.err());
      assertTrue(watched.out().contains("1 retried"), watched.out());
    }
    assertEquals(500, rows());

    // The chunk ran with the load job's policy, not the engine's default process policy.
    HistoryEvent scheduled = chunkEvents("load-down", EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).stream()
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("ProcessChunk"))
        .findFirst().orElseThrow();
    var options = scheduled.getActivityTaskScheduledEventAttributes();
    assertEquals(LoadJobType.PROCESS_POLICY.retry().maximumAttempts(), options.getRetryPolicy().getMaximumAttempts());
    assertEquals(2, options.getRetryPolicy().getInitialInterval().getSeconds());
    assertEquals(60, options.getRetryPolicy().getMaximumInterval().getSeconds());
    assertEquals(30, options.getHeartbeatTimeout().getSeconds());
    assertTrue(options.getRetryPolicy().getNonRetryableErrorTypesList().containsAll(
        List.of("DB_CONSTRAINT", "DB_SCHEMA", "DB_DATA", "DB_AUTH")));
    HistoryEvent startedAttempt = chunkEvents("load-down", EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).get(0);
    assertTrue(startedAttempt.getActivityTaskStartedEventAttributes().getAttempt() >= 3);
  }

  @Test
  void aConstraintViolationFailsTheJobAtOnceWithAClearMessage() throws Exception {
    long start = System.nanoTime();
    Cli.Result started = Cli.run(env, dir, "start", spec("load-constraint", csv(3, -2_000_000_000L), pg.url).toString());
    assertEquals(0, started.code(), started.err());
    Cli.Result watched = Cli.run(env, dir, "watch", "load-constraint");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(ExitCodes.JOB_FAILED, watched.code(), watched.out() + watched.err());
    assertTrue(watched.err().contains("a row breaks a constraint of table " + table), watched.err());
    assertTrue(watched.err().contains("(DB_CONSTRAINT)"), watched.err());
    assertEquals(0, rows());
    // One attempt: not retried (the load policy's first retry alone would wait 2 s).
    List<HistoryEvent> attempts = chunkEvents("load-constraint", EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    assertEquals(1, attempts.size());
    assertEquals(1, attempts.get(0).getActivityTaskStartedEventAttributes().getAttempt());
    assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "failed at once: " + took);
  }

  /** A TCP proxy to the real server, listening from the moment it is created. */
  private static final class Proxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Proxy(int port, String host, int targetPort) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            Socket upstream = new Socket(host, targetPort);
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
          } catch (IOException e) {
            return;
          }
        }
      }, "load-test-proxy");
      accept.setDaemon(true);
      accept.start();
    }

    private static void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException e) {
          // one side closed
        }
        try {
          to.shutdownOutput();
        } catch (IOException e) {
          // already closed
        }
      }, "load-test-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
