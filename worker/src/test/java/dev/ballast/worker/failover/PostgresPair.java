package dev.ballast.worker.failover;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL primary and a streaming-replication standby ({@code pg_basebackup -R -X stream}) on
 * two free loopback ports, from Debian's server binaries ({@code /usr/lib/postgresql/N/bin}), in a
 * temporary directory removed by {@link #close()}. As root the servers run as the {@code postgres}
 * user. Trust authentication on 127.0.0.1 only; user and database {@code postgres}.
 *
 * <p>With {@code synchronous}, the primary waits for the standby to flush each commit
 * ({@code synchronous_standby_names = '*'}); the standby is started without that setting, so once
 * promoted, alone, it does not wait for a standby it does not have. Without the binaries a test
 * is skipped with a loud message, except under {@code CI=true}, where it fails.
 */
final class PostgresPair implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

  private final Path bin;
  private final Path base;
  private final boolean asPostgres;
  final int primaryPort;
  final int standbyPort;
  private final List<String> running = new ArrayList<>();

  private PostgresPair(Path bin, Path base, boolean asPostgres, int primaryPort, int standbyPort) {
    this.bin = bin;
    this.base = base;
    this.asPostgres = asPostgres;
    this.primaryPort = primaryPort;
    this.standbyPort = standbyPort;
  }

  /** Starts both servers and waits until the standby streams (and, if synchronous, is the sync one). */
  static PostgresPair start(boolean synchronous) throws Exception {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path base = Files.createTempDirectory("ballast-pgpair-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    PostgresPair pair = new PostgresPair(bin, base, root, freePort(), freePort());
    try {
      if (root) {
        pair.run(List.of("chown", "postgres", base.toString()));
      }
      pair.pg("initdb", "-D", pair.dir("primary"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
      pair.startServer("primary", pair.primaryPort, synchronous ? "'*'" : "''");
      pair.pg("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(pair.primaryPort), "-U", "postgres",
          "-D", pair.dir("standby"), "-R", "-X", "stream", "-c", "fast");
      pair.startServer("standby", pair.standbyPort, "''");
      await("the standby streams from the primary" + (synchronous ? " as its synchronous standby" : ""),
          Duration.ofSeconds(60), () -> {
            try {
              return pair.query(pair.primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                  + (synchronous ? " AND sync_state = 'sync'" : "")) == 1;
            } catch (SQLException e) {
              return false;
            }
          });
      return pair;
    } catch (Exception | Error e) {
      pair.close();
      throw e;
    }
  }

  /** The multi-host URL of the pair, failing over to whichever server is primary. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort
        + "/postgres?targetServerType=primary&hostRecheckSeconds=1";
  }

  /** A connection to one server. */
  Connection connect(int port) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  /** The first column of the first row of {@code sql} on the server at {@code port}, as a long. */
  long query(int port, String sql) throws SQLException {
    try (Connection c = connect(port); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  void execute(int port, String sql) throws SQLException {
    try (Connection c = connect(port); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Cuts the standby off its primary (as a network partition would): its {@code primary_conninfo}
   * is emptied and reloaded; returns once the primary lists no standby. The primary goes on
   * confirming commits when asynchronous, and makes them wait when synchronous.
   */
  void cutReplication() throws Exception {
    Files.writeString(Path.of(dir("standby"), "postgresql.auto.conf"), "primary_conninfo = ''\n",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    pg("pg_ctl", "-D", dir("standby"), "reload");
    await("the standby stops streaming", Duration.ofSeconds(30), () -> {
      try {
        return query(primaryPort, "SELECT count(*) FROM pg_stat_replication") == 0;
      } catch (SQLException e) {
        return false;
      }
    });
  }

  /** {@code pg_ctl stop -m immediate} on the primary: no shutdown checkpoint, clients cut off. */
  void killPrimary() throws Exception {
    pg("pg_ctl", "-D", dir("primary"), "stop", "-m", "immediate", "-w");
    running.remove("primary");
  }

  /** {@code pg_ctl promote} on the standby; returns once it takes writes. */
  void promoteStandby() throws Exception {
    pg("pg_ctl", "-D", dir("standby"), "promote", "-w", "-t", "60");
  }

  private void startServer(String name, int port, String synchronousStandbyNames) throws Exception {
    String options = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + base
        + " -c shared_buffers=32MB -c max_connections=50 -c fsync=off -c synchronous_standby_names="
        + synchronousStandbyNames;
    pg("pg_ctl", "-D", dir(name), "-l", base.resolve(name + ".log").toString(), "-w", "-t", "60", "-o", options,
        "start");
    running.add(name);
  }

  private String dir(String name) {
    return base.resolve(name).toString();
  }

  /** Runs a server binary, as {@code postgres} when this JVM is root. */
  private void pg(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private void run(List<String> command) throws Exception {
    Path out = Files.createTempFile(base, "command-", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within " + COMMAND_TIMEOUT);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          command + " exited " + p.exitValue() + ": " + Files.readString(out, StandardCharsets.UTF_8).strip());
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The newest {@code /usr/lib/postgresql/N/bin} with the server binaries, or a skipped/failed test. */
  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path bin = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_basebackup")))
            .max(Comparator.comparingInt(b -> versionOf(b.getParent())))
            .orElse(null);
        if (bin != null) {
          return bin;
        }
      }
    }
    String message = "PostgreSQL failover tests NOT RUN: no server binaries under " + root
        + " (install Debian's postgresql package, as .ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + "; CI must run them");
    }
    System.err.println("\n*** " + message + " ***\n");
    Assumptions.abort(message);
    return null;
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Stops whatever still runs ({@code -m immediate}) and deletes both data directories. */
  @Override
  public void close() throws Exception {
    for (String name : List.copyOf(running)) {
      try {
        pg("pg_ctl", "-D", dir(name), "stop", "-m", "immediate", "-w", "-t", "30");
      } catch (Exception e) {
        System.err.println("stopping the " + name + " server: " + e.getMessage());
      }
    }
    running.clear();
    try (Stream<Path> files = Files.walk(base)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
