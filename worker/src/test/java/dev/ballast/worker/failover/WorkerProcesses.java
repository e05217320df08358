package dev.ballast.worker.failover;

import dev.ballast.worker.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real worker JVMs ({@link WorkerMain}, as {@code ballast-worker.jar} runs it, or another main
 * class such as the CLI's with its {@code worker} command) on the test's classpath, each logging
 * to its own file, for tests that kill and restart them.
 */
public final class WorkerProcesses implements AutoCloseable {
  private final String address;
  private final Path logDir;
  private final Map<String, String> extraEnv;
  private final List<String> mainAndArgs;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private int started;

  /** Workers running {@link WorkerMain}, with {@code extraEnv} added to their environment. */
  public WorkerProcesses(String address, Path logDir, Map<String, String> extraEnv) throws IOException {
    this(address, logDir, extraEnv, List.of(WorkerMain.class.getName()));
  }

  /**
   * Workers running {@code mainAndArgs} (a main class on the test classpath and its arguments,
   * e.g. the CLI's main class and {@code worker}); {@code TEMPORAL_ADDRESS} and {@code
   * BALLAST_IDENTITY} are set in their environment, {@code extraEnv} added.
   */
  public WorkerProcesses(String address, Path logDir, Map<String, String> extraEnv, List<String> mainAndArgs)
      throws IOException {
    this.address = address;
    this.logDir = Files.createDirectories(logDir);
    this.extraEnv = extraEnv;
    this.mainAndArgs = List.copyOf(mainAndArgs);
  }

  /** Starts a worker JVM and waits until it polls; returns its identity. */
  public String start() throws IOException, InterruptedException {
    String identity = launch();
    awaitLog(identity, "polling", Duration.ofSeconds(60));
    return identity;
  }

  /** Starts a worker JVM without waiting for it; returns its identity. */
  public synchronized String launch() throws IOException {
    String identity = "worker-" + (++started);
    Path log = log(identity);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // 512 MB: DatabaseFailoverIT's settlement merges a million (merchant, date) groups, which
        // since the merchant-numbered totals needs more than 256 MB.
        "-Xmx512m",
        "-XX:+UseSerialGC",
        "-cp",
        classpath()));
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TEMPORAL_ADDRESS", address);
    builder.environment().put("BALLAST_IDENTITY", identity);
    builder.environment().putAll(extraEnv);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    running.put(identity, process);
    return identity;
  }

  /** Waits until worker {@code identity}'s log contains {@code text}. */
  public void awaitLog(String identity, String text, Duration timeout)
      throws IOException, InterruptedException {
    Path log = log(identity);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      Process process;
      synchronized (this) {
        process = running.get(identity);
      }
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(identity + " exited early; see " + log);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(identity + " did not log '" + text + "' within " + timeout);
  }

  /** Worker {@code identity}'s log file (stdout and stderr). */
  public Path log(String identity) {
    return logDir.resolve(identity + ".log");
  }

  /** Worker {@code identity}'s log so far. */
  public String logText(String identity) throws IOException {
    Path log = log(identity);
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The process of worker {@code identity}, while this object tracks it (not killed or stopped). */
  public synchronized java.util.Optional<Process> process(String identity) {
    return java.util.Optional.ofNullable(running.get(identity));
  }

  /** kill -9: the JVM gets no chance to clean up. */
  public synchronized void kill(String identity) throws InterruptedException {
    Process process = running.remove(identity);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  public int terminate(String identity, Duration timeout) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = running.remove(identity);
    }
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(identity + " did not exit within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  public synchronized List<String> identities() {
    return new ArrayList<>(running.keySet());
  }

  public synchronized boolean isRunning(String identity) {
    return running.containsKey(identity);
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  @Override
  public synchronized void close() throws InterruptedException {
    for (Process process : running.values()) {
      process.destroyForcibly();
    }
    for (Process process : running.values()) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
    running.clear();
  }
}
