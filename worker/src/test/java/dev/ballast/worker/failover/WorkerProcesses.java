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
 * Real worker JVMs ({@link WorkerMain}, as {@code ballast-worker.jar} runs it) on the test's
 * classpath, each logging to its own file, for tests that kill and restart them.
 */
final class WorkerProcesses implements AutoCloseable {
  private final String address;
  private final Path logDir;
  private final Map<String, String> extraEnv;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private int started;

  WorkerProcesses(String address, Path logDir, Map<String, String> extraEnv) throws IOException {
    this.address = address;
    this.logDir = Files.createDirectories(logDir);
    this.extraEnv = extraEnv;
  }

  /** Starts a worker JVM and waits until it polls; returns its identity. */
  String start() throws IOException, InterruptedException {
    String identity = launch();
    awaitLog(identity, "polling", Duration.ofSeconds(60));
    return identity;
  }

  /** Starts a worker JVM without waiting for it; returns its identity. */
  synchronized String launch() throws IOException {
    String identity = "worker-" + (++started);
    Path log = logDir.resolve(identity + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-cp",
            classpath(),
            WorkerMain.class.getName());
    builder.environment().put("TEMPORAL_ADDRESS", address);
    builder.environment().put("BALLAST_IDENTITY", identity);
    builder.environment().putAll(extraEnv);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    running.put(identity, process);
    return identity;
  }

  /** Waits until worker {@code identity}'s log contains {@code text}. */
  void awaitLog(String identity, String text, Duration timeout)
      throws IOException, InterruptedException {
    Path log = logDir.resolve(identity + ".log");
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

  /** kill -9: the JVM gets no chance to clean up. */
  synchronized void kill(String identity) throws InterruptedException {
    Process process = running.remove(identity);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate(String identity, Duration timeout) throws InterruptedException {
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

  synchronized List<String> identities() {
    return new ArrayList<>(running.keySet());
  }

  synchronized boolean isRunning(String identity) {
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
