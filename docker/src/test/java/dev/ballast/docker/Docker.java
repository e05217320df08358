package dev.ballast.docker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** The docker and docker compose command lines, run with a bounded time, for the container tests. */
final class Docker {
  static final Duration SHORT = Duration.ofSeconds(60);

  private Docker() {}

  /** What a command printed, separately, and its exit code. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    /** The output, for failure messages (the end of it when long). */
    String both() {
      String all = (out + "\n" + err).strip();
      return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }
  }

  private static String problem;
  private static boolean checked;

  /** Why the container tests cannot run here (no daemon, no Compose v2), or null when they can. */
  static synchronized String problem() {
    if (!checked) {
      checked = true;
      try {
        Result info = run(Duration.ofSeconds(30), null, Map.of(), List.of("docker", "info", "--format", "{{.ServerVersion}}"));
        if (!info.ok() || info.out().isBlank()) {
          problem = "no Docker daemon answers `docker info`: " + info.both().lines().findFirst().orElse("");
        } else {
          Result compose = run(SHORT, null, Map.of(), List.of("docker", "compose", "version", "--short"));
          problem = compose.ok() ? null : "`docker compose` (Compose v2) does not run: " + compose.both();
        }
      } catch (RuntimeException e) {
        problem = "docker is not installed (" + e.getMessage() + ")";
      }
    }
    return problem;
  }

  /**
   * Aborts (skips) the calling test, loudly, when the container tests cannot run here, and fails it
   * instead under {@code CI=true}: CI must run them ({@code scripts/start-docker.sh}).
   */
  static void requireDaemon() {
    if (problem() == null) {
      return;
    }
    String message = "Container tests NOT RUN: " + problem() + " (scripts/start-docker.sh installs and starts it)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + "; CI must run them");
    }
    System.err.println("\n*** " + message + " ***\n");
    Assumptions.abort(message);
  }

  /** Runs {@code docker ARGS} and returns its standard output, trimmed; fails on a non-zero exit. */
  static String docker(String... args) {
    return ok(run(SHORT, null, Map.of(), prefixed("docker", args)), "docker " + String.join(" ", args));
  }

  /** Runs {@code docker ARGS}, whatever its exit code. */
  static Result tryDocker(Duration timeout, String... args) {
    return run(timeout, null, Map.of(), prefixed("docker", args));
  }

  /** The value of a {@code docker inspect --format} template for a container or image. */
  static String inspect(String id, String format) {
    return docker("inspect", "--format", format, id);
  }

  static String ok(Result result, String what) {
    if (!result.ok()) {
      fail(what + " exited with " + result.exit() + ":\n" + result.both());
    }
    return result.out().strip();
  }

  /**
   * Runs a command with the given extra environment, its output in files (no pipe can fill up);
   * kills it and fails when it outlives {@code timeout}.
   */
  static Result run(Duration timeout, Path dir, Map<String, String> env, List<String> command) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("ballast-docker-", ".out");
      err = Files.createTempFile("ballast-docker-", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(String.join(" ", command) + " did not finish within " + timeout + ":\n"
            + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    } finally {
      for (Path file : new Path[] {out, err}) {
        if (file != null) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException ignored) {
            // a temporary file left behind
          }
        }
      }
    }
  }

  /** Waits until {@code condition} holds, polling; fails naming {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** Ports handed out by {@link #freePort}, never handed out twice. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  /**
   * A port free on loopback now (host networking: every container listens on the machine's
   * loopback), taken below the kernel's ephemeral range (32768 and up on Linux): a port the kernel
   * picked for a listening socket of ours would be free again once we close it, and every
   * outgoing connection of the containers (gRPC, JDBC) takes its local port from that range, so
   * one of them could take it before the container that was given it binds it.
   */
  static int freePort() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(port)) {
          return socket.getLocalPort();
        }
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000 on loopback");
  }

  private static List<String> prefixed(String first, String... rest) {
    List<String> command = new ArrayList<>();
    command.add(first);
    command.addAll(List.of(rest));
    return command;
  }
}
