package dev.ballast.worker.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.worker.WorkerService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's HTTP endpoints for Prometheus and container probes, all on one port:
 *
 * <ul>
 *   <li>{@value #METRICS}: Prometheus text format, the Temporal SDK's worker metrics and Ballast's;
 *   <li>{@value #HEALTHZ}: 200 while the process is up (liveness);
 *   <li>{@value #READYZ}: 200 once the worker is connected and polling, 503 before and while it
 *       stops (readiness).
 * </ul>
 *
 * Off unless a port is configured ({@code --metrics-port}, env {@value #ENV_PORT}); the
 * conventional port, used by the deployment files, is {@value #CONVENTIONAL_PORT}.
 */
public final class HealthServer implements AutoCloseable {
  /** Prometheus scrape path. */
  public static final String METRICS = "/metrics";
  /** Liveness probe path. */
  public static final String HEALTHZ = "/healthz";
  /** Readiness probe path. */
  public static final String READYZ = "/readyz";
  /** Environment variable naming the port. */
  public static final String ENV_PORT = "BALLAST_METRICS_PORT";
  /** The documented conventional port (docker, k8s). */
  public static final int CONVENTIONAL_PORT = 9464;

  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code bind:port} (port 0 picks a free one).
   *
   * @param ready whether the worker is connected and polling
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static HealthServer start(
      String bind, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + bind + ":" + port, e);
    }
    server.createContext(METRICS, ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(HEALTHZ, ex -> reply(ex, 200, "text/plain; charset=utf-8", "ok\n"));
    server.createContext(
        READYZ,
        ex -> {
          boolean ok = ready.getAsBoolean();
          reply(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ready\n" : "not ready\n");
        });
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "ballast-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    HealthServer health = new HealthServer(server, executor);
    log.info("Serving {}, {} and {} on port {}", METRICS, HEALTHZ, READYZ, health.port());
    return health;
  }

  /**
   * Serves the endpoints of {@code service} on {@code bind:port}: gives it a Prometheus registry
   * (call before the service starts) and reports ready while it runs.
   */
  public static HealthServer forWorker(WorkerService service, String bind, int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    service.withMetrics(new BallastMetrics(registry));
    return start(bind, port, registry, service::isRunning);
  }

  /**
   * The port from {@value #ENV_PORT}, or null when unset or blank (endpoints off).
   *
   * @throws IllegalArgumentException naming the variable when it is not a port number
   */
  public static Integer portFromEnv(Map<String, String> env) {
    String value = env.get(ENV_PORT);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          ENV_PORT + " must be a port number (0-65535), not '" + value + "'", e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
