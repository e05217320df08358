package dev.ballast.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import dev.ballast.worker.TemporalConnections;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The images of docker/build-images.sh, run as the stack of docker/compose.yaml +
 * docker/compose.local.yaml (Temporal, PostgreSQL, three workers, the CLI as one-off containers,
 * data on a bind mount), on a real Docker daemon with host networking:
 *
 * <ol>
 *   <li>the workers become healthy, run as uid 10001, and their image holds no build tools;
 *   <li>the Kubernetes manifests name what the containers do: user, port, probe paths, settings;
 *   <li>a settlement → load pipeline started from the starter container completes although the
 *       worker container running a chunk is killed three times and the Temporal container is
 *       restarted once; its settlement equals the reference, its table an undisturbed run's;
 *   <li>{@code docker stop} of a worker, busy or idle, drains within its drain time with exit 0;
 *   <li>a worker limited to 512 MB (and confined like the Kubernetes Deployment: read-only root,
 *       no capabilities) processes a 5M-row settlement without being killed.
 * </ol>
 *
 * Needs a Docker daemon and Docker Compose v2 (scripts/start-docker.sh); skips loudly without them,
 * fails under CI=true. Everything started is removed at the end, also on failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ComposeStackIT {
  private static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3");
  private static final int CHAOS_ROWS = 2_000_000;
  private static final int BIG_ROWS = 5_000_000;
  private static final int KILLS = 3;
  private static final int DRAIN_SECONDS = 30;
  private static final String TABLE_COLUMNS = "(merchant_id text, date date, txn_count integer, gross_usd_cents bigint, "
      + "refunds_usd_cents bigint, net_usd_cents bigint, PRIMARY KEY (merchant_id, date))";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path repo;
  private static ComposeStack stack;
  private static WorkflowServiceStubs stubs;

  @BeforeAll
  static void startStack() {
    if (Docker.problem() != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Docker.requireDaemon(); // fails
      }
      return; // every test skips, loudly (requireDaemon below)
    }
    Path dir = Path.of("").toAbsolutePath();
    repo = Files.isDirectory(dir.resolve("docker")) ? dir : dir.getParent();
    ComposeStack.removeLeftovers();
    LocalImages.ensureBuilt(repo);
    stack = new ComposeStack(repo.resolve("docker"), repo.resolve("docker/target/it-data-" + ProcessHandle.current().pid()));
    long start = System.nanoTime();
    // Starts PostgreSQL, the schema step, Temporal, the setup step, then the workers (depends_on).
    stack.composeOk(Duration.ofMinutes(5), "up", "-d", "--no-build", "worker-1", "worker-2", "worker-3");
    for (String worker : WORKERS) {
      awaitHealthy(worker, Duration.ofMinutes(3));
    }
    System.out.printf("stack up and healthy in %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
    stubs = TemporalConnections.connect(stack.temporalAddress());
  }

  @BeforeEach
  void requireDaemon() {
    Docker.requireDaemon();
  }

  @AfterAll
  static void removeStack() {
    try {
      if (stubs != null) {
        stubs.shutdownNow();
      }
      if (stack != null) {
        // What the containers said, for a failure's diagnosis (kept in the failsafe report).
        System.out.println(stack.compose(Docker.SHORT, "logs", "--no-color", "--tail", "40").both());
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  // ---- 1. healthy, non-root, no build tools ----------------------------------------------------

  @Test
  @Order(1)
  void workersAreHealthyAndRunAsANonRootUserOnAnImageWithoutBuildTools() {
    for (String worker : WORKERS) {
      String id = stack.container(worker);
      assertEquals("healthy", Docker.inspect(id, "{{.State.Health.Status}}"), worker);
      assertEquals("10001 10001", Docker.docker("exec", id, "sh", "-c", "echo $(id -u) $(id -g)"), worker + " runs as");
      assertTrue(Docker.docker("exec", id, "grep", "^Uid:", "/proc/1/status").matches("Uid:\\s+10001\\s+10001\\s+10001\\s+10001"),
          worker + ": java (PID 1) runs as uid 10001");
    }
    assertEquals("10001:10001", Docker.inspect("ballast-worker:local", "{{.Config.User}}"));
    String tools = Docker.docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", "ballast-worker:local", "-c",
        "for t in mvn javac jar jshell gcc cc make git npm node go; do command -v $t; done; ls -d /root/.m2 /src 2>/dev/null; true");
    assertEquals("", tools, "the worker image holds build tools or sources");
    assertTrue(Docker.docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", "ballast-worker:local", "-c",
        "java -version 2>&1").contains("17."), "the runtime is Java 17");
    printSizes();
  }

  // ---- 2. Kubernetes manifests against the running containers ----------------------------------

  @Test
  @Order(2)
  void kubernetesManifestsNameTheUserPortProbesAndSettingsOfTheContainers() throws Exception {
    Map<String, Object> deployment = k8s("worker-deployment.yaml");
    Map<String, Object> pod = map(path(deployment, "spec", "template", "spec"));
    Map<String, Object> container = map(list(pod.get("containers")).get(0));
    Map<String, Object> configMap = map(k8s("configmap.yaml").get("data"));
    String worker1 = stack.container("worker-1");

    // User: what the container runs as.
    String uidGid = Docker.docker("exec", worker1, "sh", "-c", "echo $(id -u):$(id -g)");
    assertEquals(uidGid, path(pod, "securityContext", "runAsUser") + ":" + path(pod, "securityContext", "runAsGroup"));
    Map<String, Object> job = map(path(k8s("starter-job.yaml"), "spec", "template", "spec"));
    assertEquals(uidGid, path(job, "securityContext", "runAsUser") + ":" + path(job, "securityContext", "runAsGroup"));
    assertEquals(uidGid, Docker.inspect("ballast-starter:local", "{{.Config.User}}"));

    // Port: the image's default metrics port, exposed, is the one the manifests name.
    Map<String, String> imageEnv = env(Docker.inspect("ballast-worker:local", "{{json .Config.Env}}"));
    String port = imageEnv.get("BALLAST_METRICS_PORT");
    assertEquals(port, String.valueOf(map(list(container.get("ports")).get(0)).get("containerPort")));
    assertEquals(port, configMap.get("BALLAST_METRICS_PORT"));
    assertTrue(Docker.inspect("ballast-worker:local", "{{json .Config.ExposedPorts}}").contains("\"" + port + "/tcp\""));
    assertEquals(imageEnv.get("BALLAST_DRAIN_SECONDS"), configMap.get("BALLAST_DRAIN_SECONDS"));
    assertEquals(imageEnv.get("BALLAST_DATA_ROOTS"), configMap.get("BALLAST_DATA_ROOTS"));

    // Probes: every path the Deployment probes answers 200 on a running worker's metrics port.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    int workerPort = stack.workerPorts.get("worker-1");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      String probePath = (String) path(container, probe, "httpGet", "path");
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerPort + probePath)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), probe + " " + probePath + ": " + response.body());
    }
    // The image's own HEALTHCHECK probes one of them too.
    String healthcheck = Docker.inspect("ballast-worker:local", "{{json .Config.Healthcheck.Test}}");
    assertTrue(healthcheck.contains(String.valueOf(path(container, "livenessProbe", "httpGet", "path"))), healthcheck);

    // Settings: the compose workers get exactly the variables the ConfigMap and the Deployment set.
    Set<String> k8sNames = new TreeSet<>(configMap.keySet());
    for (Object e : list(container.get("env"))) {
      k8sNames.add((String) map(e).get("name"));
    }
    Set<String> containerNames = new TreeSet<>();
    for (String name : env(Docker.inspect(worker1, "{{json .Config.Env}}")).keySet()) {
      if (name.startsWith("BALLAST_") || name.startsWith("TEMPORAL_")) {
        containerNames.add(name);
      }
    }
    assertEquals(k8sNames, containerNames, "the settings of the Kubernetes worker and of the compose worker");

    // Grace: the Deployment gives longer than the drain the stop test measures (test 4).
    assertTrue((Integer) pod.get("terminationGracePeriodSeconds") > Integer.parseInt(configMap.get("BALLAST_DRAIN_SECONDS").toString()));
  }

  // ---- 3. chaos: kills and a Temporal restart during a settlement -> load pipeline --------------

  @Test
  @Order(3)
  void aPipelineSurvivesThreeKilledWorkerContainersAndATemporalRestart() throws Exception {
    Path input = stack.data.resolve("incoming/day1.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, CHAOS_ROWS, 7);
    ReferenceSettlement.Result expected = ReferenceSettlement.compute(List.of(input), SettlementJobType.DEFAULT_RATES);
    try (Connection c = pg(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE settlement_calm " + TABLE_COLUMNS);
      s.execute("CREATE TABLE settlement_chaos " + TABLE_COLUMNS);
    }

    // The undisturbed run first: what the table must hold.
    long start = System.nanoTime();
    writeSpec("calm", "settlement_calm");
    assertEquals("calm", Docker.ok(stack.cli(Duration.ofMinutes(1), "start", "/data/calm.json"), "start calm").lines()
        .reduce((a, b) -> b).orElse("").strip(), "start prints the pipeline id");
    Docker.Result watched = stack.cli(Duration.ofMinutes(5), "watch", "calm");
    assertEquals(0, watched.exit(), "the undisturbed pipeline completes:\n" + watched.both());
    System.out.printf("undisturbed pipeline: %d s%n", (System.nanoTime() - start) / 1_000_000_000L);

    start = System.nanoTime();
    writeSpec("chaos", "settlement_chaos");
    Docker.ok(stack.cli(Duration.ofMinutes(1), "start", "/data/chaos.json"), "start chaos");
    List<String> kills = new ArrayList<>();
    Set<String> killedAttempts = new TreeSet<>();
    boolean temporalRestarted = false;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (kills.size() < KILLS + 1 && System.nanoTime() < deadline && !closed("chaos")) {
      Running running = runningChunk("chaos.1-settlement/process", null);
      if (running != null && killedAttempts.add(running.attempt())) {
        Docker.docker("kill", running.container());
        kills.add(running.worker() + " (" + running.attempt() + ") @" + (System.nanoTime() - start) / 1_000_000 + "ms");
        Docker.docker("start", running.container()); // back in the pool (a killed container stays down)
        if (kills.size() == 2 && !temporalRestarted) {
          // The server too, once, while the killed workers' chunks await their retries.
          String temporal = stack.container("temporal");
          Docker.ok(Docker.tryDocker(Duration.ofMinutes(2), "restart", "-t", "10", temporal), "docker restart temporal");
          awaitHealthy("temporal", Duration.ofMinutes(2));
          temporalRestarted = true;
          kills.add("temporal restarted @" + (System.nanoTime() - start) / 1_000_000 + "ms");
        }
      }
      Thread.sleep(100);
    }
    System.out.printf("chaos: %s; pipeline closed: %s after %d s%n", kills, closed("chaos"), (System.nanoTime() - start) / 1_000_000_000L);
    assertEquals(KILLS, kills.stream().filter(k -> k.startsWith("worker-")).count(), "kills before the pipeline ended: " + kills);
    assertTrue(temporalRestarted);
    watched = stack.cli(Duration.ofMinutes(5), "watch", "chaos");
    assertEquals(0, watched.exit(), "the pipeline completes despite " + kills + ":\n" + watched.both());
    System.out.printf("chaos pipeline: %d s, %s%n", (System.nanoTime() - start) / 1_000_000_000L, kills);

    for (String run : List.of("calm", "chaos")) {
      Path settled = stack.data.resolve("settled/" + run);
      assertArrayEquals(expected.settlementCsv().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(settled.resolve("settlement.csv")),
          run + ": settlement.csv equals the reference");
      assertArrayEquals(expected.rejectsJsonl().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(settled.resolve("rejects.jsonl")),
          run + ": rejects.jsonl equals the reference");
    }
    String calm = tableDigest("settlement_calm");
    assertTrue(calm.startsWith(String.valueOf(expected.settlementCsv().lines().count() - 1) + " "),
        "the undisturbed run loaded every settled row: " + calm);
    assertEquals(calm, tableDigest("settlement_chaos"), "the table equals the undisturbed run's");
    // Every worker is back and healthy after its kill.
    for (String worker : WORKERS) {
      awaitHealthy(worker, Duration.ofMinutes(2));
    }
  }

  // ---- 4. graceful stop within the drain time --------------------------------------------------

  @Test
  @Order(4)
  void dockerStopDrainsAWorkerWithinItsDrainTimeAndExitCodeZero() throws Exception {
    // A busy worker: stopped while it runs a chunk of a job.
    Docker.ok(stack.cli(Duration.ofMinutes(1), "start", "--type", "settlement", "--input", "/data/incoming/day1.csv",
        "--output", "/data/settled/drain", "--id", "drain", "--chunk-bytes", "2m", "--max-in-flight", "4"), "start drain");
    Docker.await("a chunk of job drain on worker-1", Duration.ofMinutes(2),
        () -> runningChunk("drain/process", "worker-1") != null || closed("drain"));
    boolean busy = !closed("drain");
    stopAndCheck("worker-1");
    // The job is not needed further: cancelled, so that the others stop idle or busy as it goes.
    Docker.ok(stack.cli(Duration.ofMinutes(1), "cancel", "drain"), "cancel drain");
    stopAndCheck("worker-2");
    stopAndCheck("worker-3");
    System.out.println("worker-1 was " + (busy ? "running a chunk" : "idle (the job ended first)") + " when stopped");
  }

  // ---- 5. a 512 MB container processes 5M rows -------------------------------------------------

  @Test
  @Order(5)
  void aWorkerLimitedTo512MbProcessesFiveMillionRows() throws Exception {
    for (String worker : WORKERS) {
      assertEquals("false", Docker.inspect(stack.container(worker), "{{.State.Running}}"), worker + " is stopped: only the limited worker polls");
    }
    // The heap follows the container's limit (JAVA_TOOL_OPTIONS of the image), not the host's memory.
    String flags = Docker.docker("run", "--rm", "--network", "none", "--memory", "512m", "--entrypoint", "java",
        "ballast-worker:local", "-XX:+PrintFlagsFinal", "-version");
    long maxHeap = flags.lines().filter(l -> l.contains(" MaxHeapSize ")).map(l -> Long.parseLong(l.trim().split("\\s+")[3]))
        .findFirst().orElseThrow();
    assertTrue(maxHeap > 256L << 20 && maxHeap <= 400L << 20, "MaxHeapSize under a 512m limit: " + maxHeap);

    int port = Docker.freePort();
    // Confined as the Kubernetes Deployment's securityContext: read-only root, /tmp writable, no capabilities.
    String limited = Docker.docker("run", "-d", "--name", stack.project + "-limited", "--label", ComposeStack.LABEL + "=" + stack.project,
        "--network", "host", "--memory", "512m", "--memory-swap", "512m",
        "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "-e", "TEMPORAL_ADDRESS=" + stack.temporalAddress(), "-e", "BALLAST_METRICS_PORT=" + port,
        "-e", "BALLAST_IDENTITY=limited", "-v", stack.data + ":/data", "ballast-worker:local");
    Docker.await("the limited worker to be healthy", Duration.ofMinutes(2),
        () -> "healthy".equals(Docker.inspect(limited, "{{.State.Health.Status}}")));

    long start = System.nanoTime();
    Docker.ok(stack.cli(Duration.ofMinutes(3), "generate", "settlement", "--rows", String.valueOf(BIG_ROWS), "/data/big/transactions.csv"),
        "generate 5M rows");
    long generated = System.nanoTime();
    Docker.ok(stack.cli(Duration.ofMinutes(1), "start", "--type", "settlement", "--input", "/data/big/transactions.csv",
        "--output", "/data/big/out", "--id", "big"), "start big");
    Docker.Result watched = stack.cli(Duration.ofMinutes(8), "watch", "big");
    long processed = System.nanoTime();
    assertEquals(0, watched.exit(), "the 5M-row job completes:\n" + watched.both() + "\n" + Docker.tryDocker(Docker.SHORT, "logs", "--tail", "30", limited).both());
    assertEquals("true false 0", Docker.inspect(limited, "{{.State.Running}} {{.State.OOMKilled}} {{.RestartCount}}"),
        "the limited worker ran through without being killed");
    JsonNode status = JSON.readTree(Docker.ok(stack.cli(Duration.ofMinutes(1), "status", "big", "--json"), "status big"));
    assertEquals(BIG_ROWS, status.findValue("rows").asLong(), status.toString());
    String peak = Docker.docker("exec", limited, "sh", "-c",
        "cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.peak");
    System.out.printf("5M rows under --memory 512m: generated in %d s, processed in %d s; MaxHeapSize %d MiB, peak container memory %d MiB%n",
        (generated - start) / 1_000_000_000L, (processed - generated) / 1_000_000_000L, maxHeap >> 20, Long.parseLong(peak.strip()) >> 20);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void stopAndCheck(String worker) {
    String id = stack.container(worker);
    long start = System.nanoTime();
    stack.composeOk(Duration.ofMinutes(2), "stop", worker);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals("0 false", Docker.inspect(id, "{{.State.ExitCode}} {{.State.OOMKilled}}"), worker + " exit code after docker stop");
    assertTrue(seconds < DRAIN_SECONDS, worker + " took " + seconds + " s to stop (drain time " + DRAIN_SECONDS + " s)");
    System.out.printf("%s stopped in %.1f s, exit code 0%n", worker, seconds);
  }

  private static void awaitHealthy(String service, Duration timeout) {
    String id = stack.container(service);
    Docker.await(service + " to be healthy", timeout, () -> "healthy".equals(Docker.inspect(id, "{{if .State.Health}}{{.State.Health.Status}}{{end}}")));
  }

  /**
   * The spec of a settlement -> load pipeline. Settlement: 2 MiB chunks, a 3 s heartbeat timeout
   * and retries enough for the kills. Load: its own default policy (30 s heartbeat timeout, sized
   * for a database failover); the kills all land in the settlement stage.
   */
  private static void writeSpec(String id, String table) throws IOException {
    Map<String, Object> process = Map.of(
        "retry", Map.of("initialInterval", "200ms", "maximumInterval", "2s", "maximumAttempts", 50),
        "timeouts", Map.of("heartbeat", "3s"));
    Map<String, Object> settle = new LinkedHashMap<>();
    settle.put("type", "settlement");
    settle.put("inputs", List.of("/data/incoming/day1.csv"));
    settle.put("output", "/data/settled/" + id);
    settle.put("chunkBytes", 2 << 20);
    settle.put("maxInFlight", 4);
    settle.put("policies", Map.of("process", process));
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("type", "load");
    load.put("output", "/data/loaded/" + id);
    load.put("parameters", Map.of("table", table, "key", List.of("merchant_id", "date"), "sumColumn", "net_usd_cents"));
    load.put("chunkBytes", 64 << 10);
    load.put("maxInFlight", 4);
    Files.writeString(stack.data.resolve(id + ".json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("id", id, "stages", List.of(settle, load))));
  }

  /** A chunk attempt in progress: its worker (a compose service), that worker's container, the attempt. */
  record Running(String worker, String container, String attempt) {}

  /**
   * A chunk attempt of the process workflow that a worker container runs now: the attempt started
   * after the container did (a restarted container does not run what its killed self held).
   */
  private static Running runningChunk(String processWorkflow, String wanted) {
    List<PendingActivityInfo> pending;
    try {
      pending = stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(processWorkflow)).build())
          .getPendingActivitiesList();
    } catch (StatusRuntimeException notYetOrRestarting) {
      return null;
    }
    for (PendingActivityInfo a : pending) {
      String identity = a.getLastWorkerIdentity();
      if (a.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED || !WORKERS.contains(identity)
          || (wanted != null && !wanted.equals(identity))) {
        continue;
      }
      String container = stack.container(identity);
      String[] state = Docker.inspect(container, "{{.State.Running}} {{.State.StartedAt}}").split(" ");
      Instant attemptStarted = Instant.ofEpochSecond(a.getLastStartedTime().getSeconds(), a.getLastStartedTime().getNanos());
      if (state[0].equals("true") && attemptStarted.isAfter(Instant.parse(state[1]))) {
        return new Running(identity, container, processWorkflow + " " + a.getActivityId() + "#" + a.getAttempt());
      }
    }
    return null;
  }

  /** Whether the pipeline's or job's workflow has closed (completed, failed...). */
  private static boolean closed(String workflowId) {
    try {
      return stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
          .getWorkflowExecutionInfo().hasCloseTime();
    } catch (StatusRuntimeException notYetOrRestarting) {
      return false;
    }
  }

  private static Connection pg() throws SQLException {
    return DriverManager.getConnection(stack.pgUrl(), "temporal", "temporal");
  }

  /** Row count and a digest of every row, in key order. */
  private static String tableDigest(String table) throws SQLException {
    try (Connection c = pg(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY merchant_id, date)), '') FROM " + table + " t")) {
      r.next();
      return r.getString(1);
    }
  }

  private static void printSizes() {
    StringBuilder sizes = new StringBuilder("image sizes:");
    for (String image : List.of("ballast-worker:local", "ballast-starter:local", "ballast-temporal:local", "ballast-postgresql:local", "ballast-jre:bookworm", "ballast-base:bookworm")) {
      sizes.append(String.format("%n  %-26s %5d MB", image, Long.parseLong(Docker.inspect(image, "{{.Size}}")) / 1_000_000));
    }
    System.out.println(sizes);
  }

  private static Map<String, String> env(String json) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode entry : JSON.readTree(json)) {
      String[] kv = entry.asText().split("=", 2);
      env.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return env;
  }

  private static Map<String, Object> k8s(String file) throws IOException {
    return map(new Yaml().load(Files.readString(repo.resolve("docker/k8s").resolve(file))));
  }

  private static Object path(Object root, String... keys) {
    Object node = root;
    for (String key : keys) {
      node = map(node).get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "expected a mapping, got " + o);
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    assertTrue(o instanceof List, "expected a list, got " + o);
    return (List<?>) o;
  }
}
