package dev.ballast.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Static checks of docker/ (no Docker engine or cluster on the build machine): every YAML parses,
 * the Dockerfile builds in stages and runs as non-root, images are pinned, every setting the worker
 * reads is documented and set, and ports and probe paths match the worker's endpoints.
 */
class DeploymentFilesTest {
  /** The worker's health endpoints, as the worker's metrics server serves them. */
  static final String LIVE_PATH = "/healthz";
  static final String READY_PATH = "/readyz";
  static final int METRICS_PORT = 9464;
  static final String METRICS_PORT_ENV = "BALLAST_METRICS_PORT";

  private static final Pattern ENV_LITERAL = Pattern.compile("\"((?:BALLAST|TEMPORAL)_[A-Z0-9_]+)\"");
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

  private static Path docker;
  private static Path repo;
  private static Map<String, String> dotEnv;
  private static Map<String, Object> compose;
  private static List<Map<String, Object>> k8s;

  @BeforeAll
  static void load() throws IOException {
    docker = Path.of("").toAbsolutePath();
    if (!Files.exists(docker.resolve("compose.yaml"))) {
      docker = docker.resolve("docker");
    }
    repo = docker.getParent();
    dotEnv = readDotEnv(docker.resolve(".env"));
    compose = map(new Yaml().load(Files.readString(docker.resolve("compose.yaml"))));
    k8s = new ArrayList<>();
    try (Stream<Path> files = Files.list(docker.resolve("k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
          if (doc != null) {
            k8s.add(map(doc));
          }
        }
      }
    }
  }

  // ---- YAML ----------------------------------------------------------------------------------

  @Test
  void everyYamlParsesAndEveryManifestIsNamed() throws IOException {
    List<Path> yamls;
    try (Stream<Path> walk = Files.walk(docker)) {
      yamls = walk.filter(p -> !p.toString().contains("/target/"))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .toList();
    }
    assertTrue(yamls.size() >= 6, "compose.yaml and the k8s manifests: " + yamls);
    for (Path yaml : yamls) {
      for (Object doc : new Yaml().loadAll(Files.readString(yaml))) {
        assertNotNull(doc, yaml + " holds an empty document");
      }
    }
    Set<String> kinds = new TreeSet<>();
    for (Map<String, Object> doc : k8s) {
      assertNotNull(doc.get("apiVersion"), doc.toString());
      assertNotNull(path(doc, "metadata", "name"), "unnamed " + doc.get("kind"));
      kinds.add((String) doc.get("kind"));
    }
    assertTrue(
        kinds.containsAll(Set.of("Deployment", "PodDisruptionBudget", "ConfigMap", "Secret", "Job")), kinds.toString());
  }

  // ---- Dockerfile ----------------------------------------------------------------------------

  @Test
  void dockerfileBuildsInStagesAndRunsAsNonRoot() throws IOException {
    List<String> lines = dockerfileInstructions();
    Map<String, String> stages = new LinkedHashMap<>(); // name -> base
    Map<String, List<String>> body = new LinkedHashMap<>();
    Map<String, String> args = new LinkedHashMap<>();
    String current = null;
    for (String line : lines) {
      String[] words = line.split("\\s+");
      String op = words[0].toUpperCase();
      if (op.equals("ARG") && current == null && words[1].contains("=")) {
        String[] kv = words[1].split("=", 2);
        args.put(kv[0], kv[1]);
      } else if (op.equals("FROM")) {
        assertTrue(words.length == 4 && words[2].equalsIgnoreCase("AS"), "every stage is named: " + line);
        current = words[3];
        stages.put(current, words[1]);
        body.put(current, new ArrayList<>());
      } else if (current != null) {
        body.get(current).add(line);
      }
    }
    assertTrue(stages.size() >= 3, "multi-stage: " + stages);
    assertEquals("build", stages.keySet().iterator().next(), "the first stage builds");
    assertTrue(resolve(stages.get("build"), args).startsWith("maven:"), stages.get("build"));
    String finalStage = new ArrayList<>(stages.keySet()).get(stages.size() - 1);
    assertEquals("worker", finalStage, "the default target is the worker");
    // The runtime the worker and starter derive from is a JRE 17+ image, and not root.
    String runtime = stages.get("worker");
    assertTrue(stages.containsKey(runtime), "worker derives from a stage of this file: " + runtime);
    String jre = resolve(stages.get(runtime), args);
    Matcher version = Pattern.compile("temurin:(\\d+)[^:]*-jre").matcher(jre);
    assertTrue(version.find() && Integer.parseInt(version.group(1)) >= 17, "slim JRE 17+: " + jre);
    for (String image : List.of(resolve(stages.get("build"), args), jre)) {
      assertPinned(image, "Dockerfile");
    }
    String user = lastArgument(body.get(runtime), "USER");
    assertNotNull(user, "the runtime stage sets USER");
    assertFalse(user.startsWith("root") || user.startsWith("0"), "non-root user: " + user);

    List<String> worker = body.get("worker");
    String entrypoint = lastArgument(worker, "ENTRYPOINT");
    assertTrue(entrypoint.startsWith("[") && entrypoint.contains("\"java\""), "exec form, java as PID 1: " + entrypoint);
    String healthcheck = lastArgument(worker, "HEALTHCHECK");
    assertTrue(healthcheck.contains(LIVE_PATH) && healthcheck.contains(METRICS_PORT_ENV), healthcheck);
    assertEquals(String.valueOf(METRICS_PORT), lastArgument(worker, "EXPOSE"));
    assertEquals("SIGTERM", lastArgument(worker, "STOPSIGNAL"));
    String env = String.join(" ", body.get(runtime));
    assertTrue(env.contains("MaxRAMPercentage"), "container-aware heap sizing");
    assertTrue(env.contains(METRICS_PORT_ENV + "=" + METRICS_PORT), env);
    assertTrue(lastArgument(body.get("starter"), "ENTRYPOINT").contains("ballast.jar"));
  }

  @Test
  void dockerfileBuildsWithTheClassicBuilderAndWithoutARegistry() throws IOException {
    String text = Files.readString(docker.resolve("Dockerfile"));
    // A syntax directive makes the builder pull a frontend image; RUN --mount needs BuildKit.
    assertFalse(text.lines().anyMatch(l -> l.strip().toLowerCase().startsWith("# syntax")), "no syntax directive");
    List<String> lines = dockerfileInstructions();
    assertFalse(lines.stream().anyMatch(l -> l.contains("--mount")), "no RUN --mount (the classic builder has none)");
    for (String base : List.of("MAVEN_IMAGE", "JRE_IMAGE")) {
      assertTrue(lines.contains("FROM ${" + base + "} AS " + (base.equals("MAVEN_IMAGE") ? "build" : "runtime")),
          "the base images are build arguments: " + base);
    }
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ARG PREBUILT_JARS")), "jars built beforehand can be taken");
    // Maven loads every module's pom, so the dependency layer copies them all.
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(repo.resolve("pom.xml")));
    while (module.find()) {
      assertTrue(lines.contains("COPY " + module.group(1) + "/pom.xml " + module.group(1) + "/"),
          "the build stage copies " + module.group(1) + "/pom.xml");
    }
  }

  @Test
  void theLocalOverrideRunsEveryServiceOnTheHostNetworkWithLocalImagesAndPortsOfItsOwn() throws IOException {
    Map<String, Object> local = map(new Yaml().load(Files.readString(docker.resolve("compose.local.yaml"))));
    String script = Files.readString(docker.resolve("build-images.sh"));
    Set<String> ports = new TreeSet<>();
    for (Map.Entry<String, Object> entry : map(compose.get("services")).entrySet()) {
      Map<String, Object> override = map(map(local.get("services")).get(entry.getKey()));
      if (override.containsKey("profiles")) {
        continue; // not started by the local stack
      }
      assertEquals("host", override.get("network_mode"), entry.getKey() + " runs on the host network");
      String image = (String) override.get("image");
      assertTrue(image != null && image.endsWith(":local") && script.contains(image.substring(0, image.indexOf(':'))),
          entry.getKey() + " uses an image build-images.sh builds: " + image);
      if (entry.getKey().startsWith("worker-")) {
        Map<String, Object> env = map(override.get("environment"));
        assertEquals(entry.getKey(), env.get("BALLAST_IDENTITY"), "an identity of its own (the kill test finds workers by it)");
        assertTrue(ports.add(String.valueOf(env.get(METRICS_PORT_ENV))), entry.getKey() + " has a metrics port of its own");
        assertTrue(String.join(" ", stringList(path(override, "healthcheck", "test"))).contains(METRICS_PORT_ENV + "}" + READY_PATH));
      }
    }
    assertEquals(3, ports.size());
  }

  // ---- Images --------------------------------------------------------------------------------

  @Test
  void everyImageTagIsPinned() {
    for (Map.Entry<String, Object> service : map(compose.get("services")).entrySet()) {
      String image = (String) map(service.getValue()).get("image");
      assertNotNull(image, service.getKey() + " names its image");
      for (Matcher m = ENV_REF.matcher(image); m.find(); ) {
        assertTrue(dotEnv.containsKey(m.group(1)), service.getKey() + ": " + m.group(1) + " is set in .env");
      }
      assertPinned(substitute(image), "compose service " + service.getKey());
    }
    for (Map<String, Object> doc : k8s) {
      for (Map<String, Object> container : containers(doc)) {
        assertPinned((String) container.get("image"), doc.get("kind") + " " + path(doc, "metadata", "name"));
      }
    }
  }

  // ---- Settings ------------------------------------------------------------------------------

  @Test
  void everySettingTheWorkerReadsIsDocumentedAndSet() throws IOException {
    Set<String> read = settingsTheWorkerReads();
    assertTrue(
        read.containsAll(Set.of("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "BALLAST_QUEUES", "BALLAST_DRAIN_SECONDS",
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_API_KEY", "BALLAST_DATA_ROOTS", "BALLAST_CODEC_KEYS_FILE")),
        "the scan finds the worker's settings: " + read);
    String readme = Files.readString(docker.resolve("README.md"));
    Set<String> composeSet = new TreeSet<>();
    for (String name : List.of("worker-1", "worker-2", "worker-3")) {
      Set<String> env = map(service(name).get("environment")).keySet();
      if (!composeSet.isEmpty()) {
        assertEquals(composeSet, env, name + " is set like worker-1");
      }
      composeSet.addAll(env);
    }
    Set<String> k8sSet = new TreeSet<>(map(path(k8sDoc("ConfigMap", "ballast-settings"), "data")).keySet());
    for (Map<String, Object> e : list(workerContainer().get("env"))) {
      k8sSet.add((String) e.get("name"));
    }
    for (String name : read) {
      assertTrue(readme.contains("`" + name + "`"), name + " is documented in docker/README.md");
      assertTrue(composeSet.contains(name), name + " is set for the compose workers");
      assertTrue(k8sSet.contains(name), name + " is set in the ConfigMap or the Deployment");
    }
    for (String name : union(composeSet, k8sSet)) {
      if (name.startsWith("BALLAST_") || name.startsWith("TEMPORAL_")) {
        assertTrue(read.contains(name), name + " is set but the worker never reads it (typo?)");
      }
    }
    // What compose takes from .env must be there.
    for (String name : composeSet) {
      Object value = map(service("worker-1").get("environment")).get(name);
      for (Matcher m = ENV_REF.matcher(String.valueOf(value)); m.find(); ) {
        assertTrue(dotEnv.containsKey(m.group(1)) || m.group(2) != null, m.group(1) + " is in .env");
      }
    }
  }

  // ---- Ports, probes, shutdown ---------------------------------------------------------------

  @Test
  void theWorkersMetricsServerServesWhatTheManifestsProbe() throws IOException {
    String sources = workerSources();
    if (!sources.contains("\"" + METRICS_PORT_ENV + "\"")) {
      // The worker's health/metrics server is not in this tree yet: the constants above are the
      // agreed contract (port from BALLAST_METRICS_PORT, default 9464; /healthz, /readyz).
      return;
    }
    for (String literal : List.of("\"" + LIVE_PATH + "\"", "\"" + READY_PATH + "\"", String.valueOf(METRICS_PORT))) {
      assertTrue(sources.contains(literal), "the worker's metrics server uses " + literal);
    }
  }

  @Test
  void portsAndProbesMatchTheWorkersEndpoints() {
    Map<String, Object> container = workerContainer();
    Map<String, Object> port = list(container.get("ports")).get(0);
    assertEquals(METRICS_PORT, port.get("containerPort"));
    assertEquals(String.valueOf(METRICS_PORT), map(path(k8sDoc("ConfigMap", "ballast-settings"), "data")).get(METRICS_PORT_ENV));
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      Object probePort = path(container, probe, "httpGet", "port");
      assertTrue(probePort.equals(port.get("name")) || probePort.equals(METRICS_PORT), probe + " port " + probePort);
    }
    assertEquals(LIVE_PATH, path(container, "livenessProbe", "httpGet", "path"));
    assertEquals(READY_PATH, path(container, "readinessProbe", "httpGet", "path"));
    assertEquals(LIVE_PATH, path(container, "startupProbe", "httpGet", "path"));
    Map<String, Object> template = map(path(k8sDoc("Deployment", "ballast-worker"), "spec", "template"));
    assertEquals(String.valueOf(METRICS_PORT), path(template, "metadata", "annotations", "prometheus.io/port"));

    for (String name : List.of("worker-1", "worker-2", "worker-3")) {
      Map<String, Object> worker = service(name);
      assertEquals(String.valueOf(METRICS_PORT), substitute(String.valueOf(map(worker.get("environment")).get(METRICS_PORT_ENV))));
      String test = String.join(" ", stringList(path(worker, "healthcheck", "test")));
      assertTrue(test.contains(":" + METRICS_PORT + READY_PATH), name + " health check: " + test);
      String mapping = String.valueOf(list0(worker.get("ports")));
      assertTrue(mapping.endsWith(":" + METRICS_PORT), name + " publishes the metrics port: " + mapping);
    }
  }

  @Test
  void containersGetLongerToStopThanTheWorkerDrains() {
    int drain = Integer.parseInt(dotEnv.get("BALLAST_DRAIN_SECONDS"));
    for (String name : List.of("worker-1", "worker-2", "worker-3")) {
      String grace = String.valueOf(service(name).get("stop_grace_period"));
      assertTrue(grace.endsWith("s"), grace);
      assertTrue(Integer.parseInt(grace.substring(0, grace.length() - 1)) > drain, name + ": " + grace + " vs " + drain);
    }
    int k8sDrain = Integer.parseInt((String) map(path(k8sDoc("ConfigMap", "ballast-settings"), "data")).get("BALLAST_DRAIN_SECONDS"));
    Object grace = path(k8sDoc("Deployment", "ballast-worker"), "spec", "template", "spec", "terminationGracePeriodSeconds");
    assertTrue(((Integer) grace) > k8sDrain, "terminationGracePeriodSeconds " + grace + " > " + k8sDrain);
  }

  // ---- Compose stack -------------------------------------------------------------------------

  @Test
  void composeRunsBallastSetupForEverySearchAttributeTheJobsUpsert() throws IOException {
    // `ballast setup` registers JobSearchAttributes.ALL: every key declared there must be in it.
    String source =
        Files.readString(repo.resolve("api/src/main/java/dev/ballast/api/JobSearchAttributes.java"));
    java.util.regex.Matcher key =
        java.util.regex.Pattern.compile("SearchAttributeKey<\\w+> (\\w+) =\\s*SearchAttributeKey\\.for").matcher(source);
    java.util.regex.Matcher all =
        java.util.regex.Pattern.compile("ALL = List\\.of\\(([^)]*)\\)").matcher(source);
    assertTrue(all.find(), "JobSearchAttributes.ALL");
    List<String> registered = List.of(all.group(1).split("\\s*,\\s*"));
    int found = 0;
    while (key.find()) {
      found++;
      assertTrue(registered.contains(key.group(1)), key.group(1) + " is in JobSearchAttributes.ALL");
    }
    assertTrue(found >= 3, "search attribute keys found in JobSearchAttributes: " + found);

    Map<String, Object> setup = service("ballast-setup");
    assertEquals(List.of("setup"), stringList(setup.get("command")));
    assertEquals("starter", path(setup, "build", "target"));
    assertEquals("temporal:7233", map(setup.get("environment")).get("TEMPORAL_ADDRESS"));
    assertTrue(map(setup.get("environment")).containsKey("TEMPORAL_NAMESPACE"));
    assertEquals("service_completed_successfully", path(setup, "depends_on", "temporal-setup", "condition"));
    assertFalse(Files.exists(repo.resolve("scripts/register-search-attributes.sh")),
        "`ballast setup` replaced the script");
  }

  @Test
  void composeIsAProductionLikeStack() {
    assertTrue(service("postgresql").containsKey("healthcheck"));
    assertTrue(service("temporal").containsKey("healthcheck"));
    assertEquals("service_healthy", path(service("temporal-schema"), "depends_on", "postgresql", "condition"));
    assertEquals("service_completed_successfully", path(service("temporal"), "depends_on", "temporal-schema", "condition"));
    assertTrue(String.join("\n", stringList(service("temporal-schema").get("command"))).contains("update-schema"));
    assertTrue(String.join("\n", stringList(service("temporal-setup").get("command"))).contains("namespace create"));
    assertEquals("service_healthy", path(service("temporal-ui"), "depends_on", "temporal", "condition"));
    assertEquals("service_completed_successfully", path(service("worker-1"), "depends_on", "ballast-setup", "condition"));
    assertEquals("service_completed_successfully", path(service("starter"), "depends_on", "ballast-setup", "condition"));
    assertTrue(stringList(service("starter").get("profiles")).size() == 1, "the starter is one-off, not started by up");
    for (String name : List.of("worker-1", "worker-2", "worker-3", "starter")) {
      assertTrue(stringList(service(name).get("volumes")).contains("ballast-data:/data"), name + " mounts the data volume");
    }
    assertTrue(map(compose.get("volumes")).containsKey("ballast-data"));
    assertEquals("/data", map(service("worker-1").get("environment")).get("BALLAST_DATA_ROOTS"));
    assertEquals("temporal:7233", map(service("worker-1").get("environment")).get("TEMPORAL_ADDRESS"));
    assertEquals("worker", path(service("worker-1"), "build", "target"));
    assertEquals("docker/Dockerfile", path(service("worker-1"), "build", "dockerfile"));
    assertTrue(Files.exists(docker.resolve(String.valueOf(path(service("worker-1"), "build", "context"))).resolve("docker/Dockerfile")));
  }

  @Test
  void kubernetesWorkersSpreadAndSurviveDisruptions() {
    Map<String, Object> deployment = k8sDoc("Deployment", "ballast-worker");
    assertTrue(((Integer) path(deployment, "spec", "replicas")) >= 3);
    Map<String, Object> podLabels = map(path(deployment, "spec", "template", "metadata", "labels"));
    assertEquals(path(deployment, "spec", "selector", "matchLabels"), podLabels);
    Map<String, Object> anti = map(path(deployment, "spec", "template", "spec", "affinity", "podAntiAffinity"));
    Map<String, Object> term = map(path(list(anti.get("preferredDuringSchedulingIgnoredDuringExecution")).get(0), "podAffinityTerm"));
    assertEquals("kubernetes.io/hostname", term.get("topologyKey"));
    assertEquals(podLabels, path(term, "labelSelector", "matchLabels"));
    Map<String, Object> container = workerContainer();
    assertNotNull(path(container, "resources", "requests", "memory"));
    assertNotNull(path(container, "resources", "limits", "memory"));
    assertEquals(Boolean.TRUE, path(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));

    Map<String, Object> pdb = k8sDoc("PodDisruptionBudget", "ballast-worker");
    assertEquals(podLabels, path(pdb, "spec", "selector", "matchLabels"));

    String secret = (String) path(k8sDoc("Secret", "ballast-temporal"), "metadata", "name");
    String configMap = (String) path(k8sDoc("ConfigMap", "ballast-settings"), "metadata", "name");
    for (Map<String, Object> doc : List.of(deployment, k8sDoc("Job", "ballast-start-settlement"))) {
      String text = doc.toString();
      assertTrue(text.contains("secretName=" + secret) && text.contains("name=" + configMap), doc.get("kind") + " references both");
    }
    Map<String, Object> job = k8sDoc("Job", "ballast-start-settlement");
    assertEquals("Never", path(job, "spec", "template", "spec", "restartPolicy"));
    // The TLS files the ConfigMap points at are where the Secret is mounted.
    Map<String, Object> data = map(path(k8sDoc("ConfigMap", "ballast-settings"), "data"));
    String mount = list(container.get("volumeMounts")).stream()
        .filter(m -> m.get("name").equals("tls")).map(m -> (String) m.get("mountPath")).findFirst().orElseThrow();
    assertTrue(((String) data.get("TEMPORAL_TLS_CLIENT_CERT_PATH")).startsWith(mount + "/"));
    assertTrue(((String) data.get("TEMPORAL_TLS_CLIENT_KEY_PATH")).startsWith(mount + "/"));
  }

  @Test
  void readmeHasTheCommandsToRunAndFailOver() throws IOException {
    String readme = Files.readString(docker.resolve("README.md"));
    for (String command :
        List.of("docker compose -f docker/compose.yaml up", "docker compose -f docker/compose.yaml kill worker-",
            "docker compose -f docker/compose.yaml run --rm starter start", "kubectl apply",
            "docker/build-images.sh", "docker compose -f docker/compose.yaml -f docker/compose.local.yaml up")) {
      assertTrue(readme.contains(command), "README shows: " + command);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** BALLAST_* and TEMPORAL_* names written as string literals in the worker's sources and its built-in jobs'. */
  private static Set<String> settingsTheWorkerReads() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String module : List.of("worker", "activities", "engine", "jobs/settlement", "jobs/load")) {
      try (Stream<Path> walk = Files.walk(repo.resolve(module).resolve("src/main/java"))) {
        for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = ENV_LITERAL.matcher(Files.readString(file));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    // The metrics server's port: read by the worker's health/metrics server.
    names.add(METRICS_PORT_ENV);
    return names;
  }

  private static String workerSources() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> walk = Files.walk(repo.resolve("worker/src/main/java"))) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(file)).append('\n');
      }
    }
    return all.toString();
  }

  private static List<String> dockerfileInstructions() throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(docker.resolve("Dockerfile"))) {
      String line = raw.strip();
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(current.toString().strip());
      current.setLength(0);
    }
    return out;
  }

  private static String lastArgument(List<String> instructions, String op) {
    String found = null;
    for (String line : instructions) {
      if (line.toUpperCase().startsWith(op + " ")) {
        found = line.substring(op.length()).strip();
      }
    }
    return found;
  }

  private static String resolve(String image, Map<String, String> args) {
    Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(image);
    return m.matches() ? args.get(m.group(1)) : image;
  }

  private static void assertPinned(String image, String where) {
    assertNotNull(image, where);
    int slash = image.lastIndexOf('/');
    int colon = image.indexOf(':', slash + 1);
    if (colon < 0 && !image.contains("@sha256:")) {
      fail(where + ": image " + image + " has no tag");
    }
    String tag = colon < 0 ? "" : image.substring(colon + 1);
    assertFalse(tag.equals("latest") || tag.isBlank(), where + ": " + image + " is not pinned");
    assertTrue(tag.matches(".*\\d.*") || image.contains("@sha256:"), where + ": " + image + " tag names a version");
  }

  private static String substitute(String value) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = dotEnv.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Map<String, String> readDotEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        int eq = l.indexOf('=');
        env.put(l.substring(0, eq), l.substring(eq + 1));
      }
    }
    return env;
  }

  private static Map<String, Object> service(String name) {
    Object service = map(compose.get("services")).get(name);
    assertNotNull(service, "compose service " + name);
    return map(service);
  }

  private static Map<String, Object> k8sDoc(String kind, String name) {
    return k8s.stream()
        .filter(d -> kind.equals(d.get("kind")) && name.equals(path(d, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static Map<String, Object> workerContainer() {
    return containers(k8sDoc("Deployment", "ballast-worker")).get(0);
  }

  private static List<Map<String, Object>> containers(Map<String, Object> doc) {
    Object spec = path(doc, "spec", "template", "spec", "containers");
    return spec == null ? List.of() : list(spec);
  }

  private static Object path(Object root, String... keys) {
    Object node = root;
    for (String key : keys) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "expected a mapping, got " + o);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    assertTrue(o instanceof List, "expected a list, got " + o);
    return (List<Map<String, Object>>) o;
  }

  private static Object list0(Object o) {
    assertTrue(o instanceof List<?> l && !l.isEmpty(), "expected a non-empty list, got " + o);
    return ((List<?>) o).get(0);
  }

  private static List<String> stringList(Object o) {
    assertTrue(o instanceof List, "expected a list, got " + o);
    return ((List<?>) o).stream().map(String::valueOf).toList();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
