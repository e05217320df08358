package dev.ballast.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker/compose.yaml with docker/compose.local.yaml under a project name of its own ({@code
 * ballast-it-PID-RANDOM}), on free loopback ports, with its data in a directory of the test.
 * {@link #close()} removes every container, volume and file of the project; a shutdown hook does it
 * when the JVM ends first, and a later run removes what a killed JVM left (its PID is gone).
 */
final class ComposeStack implements AutoCloseable {
  /** Containers a test starts outside compose carry this label (value: the project). */
  static final String LABEL = "dev.ballast.it";
  private static final String PREFIX = "ballast-it-";
  private static final Pattern PROJECT = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-[0-9a-f]+");

  final String project;
  final Path dockerDir;
  final Path data;
  final int temporalPort;
  final int uiPort;
  final int pgPort;
  final Map<String, Integer> workerPorts = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Thread hook;
  private boolean closed;

  ComposeStack(Path dockerDir, Path data) {
    this.project = PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.dockerDir = dockerDir;
    this.data = data;
    this.temporalPort = Docker.freePort();
    this.uiPort = Docker.freePort();
    this.pgPort = Docker.freePort();
    for (int i = 1; i <= 3; i++) {
      workerPorts.put("worker-" + i, Docker.freePort());
    }
    env.put("BALLAST_LOCAL_TEMPORAL_PORT", String.valueOf(temporalPort));
    env.put("BALLAST_LOCAL_UI_PORT", String.valueOf(uiPort));
    env.put("BALLAST_LOCAL_PG_PORT", String.valueOf(pgPort));
    workerPorts.forEach((name, port) -> env.put("BALLAST_LOCAL_WORKER" + name.substring(7) + "_PORT", String.valueOf(port)));
    env.put("BALLAST_LOCAL_DATA", data.toString());
    try {
      Files.createDirectories(data);
      // The containers run as uid 10001 (workers, CLI): they create the outputs in here.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hook = new Thread(this::close, "stop-" + project);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The address of the stack's Temporal frontend. */
  String temporalAddress() {
    return "127.0.0.1:" + temporalPort;
  }

  String pgUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/ballast";
  }

  /** docker compose with both files, this project and its ports; whatever its exit code. */
  Docker.Result compose(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("docker", "compose", "--ansi", "never", "-p", project,
        "-f", dockerDir.resolve("compose.yaml").toString(), "-f", dockerDir.resolve("compose.local.yaml").toString()));
    command.addAll(List.of(args));
    return Docker.run(timeout, dockerDir, env, command);
  }

  /** docker compose, failing on a non-zero exit; its standard output. */
  String composeOk(Duration timeout, String... args) {
    return Docker.ok(compose(timeout, args), "docker compose " + String.join(" ", args));
  }

  /**
   * The ballast CLI in a one-off starter container ({@code run --rm --no-deps starter ARGS}). When
   * the CLI could not reach Temporal within its 5 s connection check (exit code 4, seen on a
   * heavily loaded machine, e.g. right after the Temporal container restarted), it runs again, up to
   * three times in all.
   */
  Docker.Result cli(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("run", "--rm", "--no-deps", "starter"));
    command.addAll(List.of(args));
    Docker.Result result = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      result = compose(timeout, command.toArray(String[]::new));
      if (result.exit() != 4 || !result.err().contains("cannot reach Temporal")) {
        break;
      }
      System.out.println("ballast " + String.join(" ", args) + ": " + result.err().strip().lines().reduce((a, b) -> b).orElse("")
          + " (attempt " + attempt + ")");
    }
    return result;
  }

  /** The container of a service (running or not). */
  String container(String service) {
    String id = composeOk(Docker.SHORT, "ps", "-a", "-q", service);
    if (id.isBlank() || id.contains("\n")) {
      throw new AssertionError("service " + service + " has no single container: '" + id + "'");
    }
    return id;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
    compose(Duration.ofMinutes(3), "--profile", "cli", "down", "-v", "--remove-orphans", "-t", "10");
    removeLabelled(project);
    removeData(data);
  }

  /**
   * Removes the projects and labelled containers of earlier runs whose JVM is gone (killed before
   * its cleanup ran). Projects of live JVMs (another build running the tests) are left alone.
   */
  static void removeLeftovers() {
    Set<String> projects = new HashSet<>();
    for (String format : List.of("{{.Label \"com.docker.compose.project\"}}", "{{.Label \"" + LABEL + "\"}}")) {
      projects.addAll(Docker.docker("ps", "-a", "--format", format).lines().map(String::strip).toList());
    }
    for (String volume : Docker.docker("volume", "ls", "--format", "{{.Label \"com.docker.compose.project\"}}").lines().toList()) {
      projects.add(volume.strip());
    }
    for (String name : projects) {
      Matcher m = PROJECT.matcher(name);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
        System.out.println("removing the leftovers of an earlier run: " + name);
        removeLabelled(name);
        for (String label : List.of("com.docker.compose.project=" + name, LABEL + "=" + name)) {
          String ids = Docker.docker("ps", "-aq", "--filter", "label=" + label);
          if (!ids.isBlank()) {
            Docker.tryDocker(Docker.SHORT, concat(List.of("rm", "-f", "-v"), ids.lines().toList()));
          }
        }
        String volumes = Docker.docker("volume", "ls", "-q", "--filter", "label=com.docker.compose.project=" + name);
        if (!volumes.isBlank()) {
          Docker.tryDocker(Docker.SHORT, concat(List.of("volume", "rm", "-f"), volumes.lines().toList()));
        }
      }
    }
  }

  private static void removeLabelled(String project) {
    String ids = Docker.docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + project);
    if (!ids.isBlank()) {
      Docker.tryDocker(Docker.SHORT, concat(List.of("rm", "-f", "-v"), ids.lines().toList()));
    }
  }

  /** The data directory holds files of uid 10001: a container removes them, then the directory goes. */
  private static void removeData(Path data) {
    if (!Files.isDirectory(data)) {
      return;
    }
    Docker.tryDocker(Duration.ofMinutes(2), "run", "--rm", "--network", "none", "--user", "0:0",
        "-v", data + ":/d", "--entrypoint", "/bin/sh", "ballast-base:bookworm", "-c", "rm -rf /d/* /d/.[!.]*");
    try {
      Files.deleteIfExists(data);
    } catch (IOException e) {
      System.err.println("could not remove " + data + ": " + e);
    }
  }

  private static String[] concat(List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    return all.toArray(String[]::new);
  }
}
