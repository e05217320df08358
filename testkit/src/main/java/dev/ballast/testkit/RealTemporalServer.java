package dev.ballast.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Temporal server for tests: {@code temporal server start-dev} of the Temporal CLI that
 * {@code scripts/install-temporal.sh} installs, found through {@code BALLAST_TEST_TEMPORAL_CLI}
 * ({@code .ci/run} sets it). Without it a test that needs one is skipped with a loud message, and
 * fails under {@code CI=true}.
 *
 * <p>The server listens on loopback only, on ports chosen here, and keeps its state in a SQLite
 * file of its own, so that {@link #kill()} ({@code kill -9}) followed by {@link #restart()} brings
 * back the same server, with every workflow, on the same address. {@link #close()} stops it.
 */
public final class RealTemporalServer implements TestTemporal {
  /** The environment variable naming the {@code temporal} binary. */
  public static final String CLI_ENV = "BALLAST_TEST_TEMPORAL_CLI";

  private static final String LOOPBACK = "127.0.0.1";

  private final Options options;
  private final Path cli;
  private final Path dir;
  private final int port;
  private final int uiPort;
  private volatile Process process;
  private int starts;

  /** How to start the server; {@link #options()} gives the defaults. */
  public static final class Options {
    private boolean ui;
    private final Map<String, String> searchAttributes = new LinkedHashMap<>();
    private final List<String> dynamicConfig = new ArrayList<>();
    private Path dir;

    private Options() {}

    /** Serve the real Web UI too (on a port of its own, {@link #uiUrl()}). Off by default. */
    public Options withUi() {
      this.ui = true;
      return this;
    }

    /** Registers a search attribute at start ({@code Keyword}, {@code Int}, …). */
    public Options searchAttribute(String name, String type) {
      searchAttributes.put(name, type);
      return this;
    }

    /** A dynamic config value, {@code KEY=JSON}. */
    public Options dynamicConfig(String keyEqualsJsonValue) {
      dynamicConfig.add(keyEqualsJsonValue);
      return this;
    }

    /** Where the database file and the server's log go (default: a new directory under target/temporal-servers). */
    public Options in(Path directory) {
      this.dir = directory;
      return this;
    }
  }

  public static Options options() {
    return new Options();
  }

  /**
   * The {@code temporal} binary, or an aborted (skipped) test, or a failed one under CI.
   */
  public static Path requireCli() {
    String value = System.getenv(CLI_ENV);
    String problem;
    if (value == null || value.isBlank()) {
      problem = CLI_ENV + " is not set";
    } else if (!Files.isExecutable(Path.of(value))) {
      problem = CLI_ENV + "=" + value + " is not an executable file";
    } else {
      return Path.of(value);
    }
    String message = "Real Temporal server tests NOT RUN: " + problem
        + " (export " + CLI_ENV + "=$(scripts/install-temporal.sh | tail -1))";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + "; CI must run them");
    }
    System.err.println("\n*** " + message + " ***\n");
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** Starts a server and waits until its default namespace answers. */
  public static RealTemporalServer start(Options options) {
    Path cli = requireCli();
    try {
      Path dir = options.dir != null
          ? Files.createDirectories(options.dir)
          : Files.createTempDirectory(serversDir(), "ballast-temporal-").toAbsolutePath();
      RealTemporalServer server =
          new RealTemporalServer(options, cli, dir, freePort(), options.ui ? freePort() : -1);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where servers started without a directory of their own keep theirs: beside the test reports, in
   * {@code target/temporal-servers} of the module under test (Maven runs tests in the module's
   * directory), else in the system's temporary directory.
   */
  private static Path serversDir() throws IOException {
    Path target = Path.of("target");
    return Files.isDirectory(target)
        ? Files.createDirectories(target.resolve("temporal-servers"))
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private RealTemporalServer(Options options, Path cli, Path dir, int port, int uiPort) {
    this.options = options;
    this.cli = cli;
    this.dir = dir;
    this.port = port;
    this.uiPort = uiPort;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Process running = process;
      if (running != null) {
        running.destroyForcibly();
      }
    }, "stop-temporal-" + port));
  }

  @Override
  public Kind kind() {
    return Kind.REAL;
  }

  @Override
  public String address() {
    return LOOPBACK + ":" + port;
  }

  /** The Web UI's base URL; only with {@link Options#withUi()}. */
  public String uiUrl() {
    if (uiPort < 0) {
      throw new IllegalStateException("started without the Web UI");
    }
    return "http://" + LOOPBACK + ":" + uiPort;
  }

  /** The SQLite file that holds the server's state across {@link #kill()} and {@link #restart()}. */
  public Path databaseFile() {
    return dir.resolve("temporal.db");
  }

  /** The server's log (every start appends to it). */
  public Path log() {
    return dir.resolve("temporal-server.log");
  }

  /** The server's process id, while it runs. */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** {@code kill -9}: the server gets no chance to flush or say goodbye. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      await(process, Duration.ofSeconds(10));
      process = null;
    }
  }

  /** Starts the server again on the same port and database file, and waits until it answers. */
  public synchronized void restart() {
    if (isRunning()) {
      throw new IllegalStateException("the server is still running: kill() or close() it first");
    }
    launch();
  }

  /**
   * Stops the server (SIGTERM, then SIGKILL after 10 s). Its directory (its log and database) is
   * left for inspection, under {@code target/temporal-servers} unless the options named one.
   */
  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroy();
      if (!await(process, Duration.ofSeconds(10))) {
        process.destroyForcibly();
        await(process, Duration.ofSeconds(10));
      }
      process = null;
    }
  }

  @Override
  public String toString() {
    return "Temporal dev server at " + address() + " (" + dir + ")";
  }

  private synchronized void launch() {
    List<String> command = new ArrayList<>(List.of(
        cli.toString(), "server", "start-dev",
        "--ip", LOOPBACK,
        "--port", Integer.toString(port),
        "--db-filename", databaseFile().toString(),
        "--log-level", "warn"));
    if (uiPort > 0) {
      command.addAll(List.of("--ui-port", Integer.toString(uiPort), "--ui-ip", LOOPBACK,
          "--ui-disable-news-fetch"));
    } else {
      command.add("--headless");
    }
    options.searchAttributes.forEach((name, type) ->
        command.addAll(List.of("--search-attribute", name + "=" + type)));
    for (String value : options.dynamicConfig) {
      command.addAll(List.of("--dynamic-config-value", value));
    }
    try {
      Files.writeString(log(), "\n=== start " + (++starts) + ": " + String.join(" ", command) + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofSeconds(60));
  }

  /** Waits until the default namespace describes: the frontend is up and the namespace exists. */
  private void awaitReady(Duration timeout) {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      StatusRuntimeException last = null;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Temporal server exited with " + process.exitValue()
              + " at start; see " + log() + ":\n" + tail());
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace()).build());
          return;
        } catch (StatusRuntimeException notYet) {
          last = notYet;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the Temporal server did not answer within " + timeout
          + " (last: " + last + "); see " + log() + ":\n" + tail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      stubs.shutdownNow();
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static boolean await(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }
}
