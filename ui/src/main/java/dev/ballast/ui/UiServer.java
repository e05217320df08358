package dev.ballast.ui;

import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the official Temporal Web UI for a Temporal service that has no UI server of its own (the
 * embedded one): the static app built from {@code @temporalio/ui}, {@code /api/v1/settings}, and
 * every other {@code /api/v1/*} call transcoded to gRPC ({@link Transcoder}), with the calls the
 * embedded service lacks emulated ({@link EmbeddedEmulation}).
 *
 * <p>There is no authentication. Bound to loopback by default; mutating requests (POST, ...) from
 * another origin are refused, so a web page cannot drive the UI's API from the user's browser.
 *
 * <pre>{@code
 * try (UiServer ui = UiServer.start(UiOptions.loopback("127.0.0.1:7233", "default", 8233))) {
 *   log.info("Temporal Web UI: {}", ui.url());
 *   ...
 * }
 * }</pre>
 */
public final class UiServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(UiServer.class);

  /**
   * The UI version this bridge reports in its settings. The UI encodes path parameters twice for
   * servers older than 2.23.0.
   */
  public static final String UI_VERSION = "2.38.0";

  private static final int MAX_THREADS = 32;

  private final UiOptions options;
  private final HttpServer http;
  private final ExecutorService executor;
  private final StaticAssets assets;
  private volatile String settingsJson;
  private volatile UnaryOperator<List<Payload>> codecDecoder;
  private final Object backendLock = new Object();
  /** Made by the first {@code /api/v1} call; null until then and after {@link #close}. */
  private Backend backend;
  private boolean closed;

  /**
   * The gRPC side of the bridge: a channel to the service and the routes of every RPC. It is made
   * on the first API call, not at start: building the routes reads the protobuf descriptors and
   * HTTP rules of two whole services, which cost a 1,000-row {@code ballast run} nobody watches in
   * the UI ~3% of its CPU (bench/README.md, round 5).
   */
  private record Backend(ManagedChannel channel, Transcoder transcoder) {}

  private UiServer(UiOptions options, HttpServer http, ExecutorService executor) {
    this.options = options;
    this.http = http;
    this.executor = executor;
    this.assets = new StaticAssets(UiServer.class.getClassLoader());
    this.settingsJson = settingsJson(options.namespace());
  }

  /** The bridge's transcoder, made on the first call; null once {@link #close} has begun. */
  private Transcoder transcoder() {
    synchronized (backendLock) {
      if (closed) {
        return null;
      }
      if (backend == null) {
        ManagedChannel channel =
            ManagedChannelBuilder.forTarget(options.temporalTarget()).usePlaintext().build();
        try {
          ServiceCatalog catalog = ServiceCatalog.temporal();
          Transcoder transcoder =
              new Transcoder(
                  catalog,
                  new EmbeddedEmulation(
                      new GrpcInvoker(channel), catalog, options.namespace(), options.pollers()));
          backend = new Backend(channel, transcoder);
        } catch (RuntimeException | LinkageError e) {
          channel.shutdownNow();
          throw e;
        }
      }
      return backend.transcoder();
    }
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @throws IOException if the port cannot be bound
   */
  public static UiServer start(UiOptions options) throws IOException {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            MAX_THREADS,
            MAX_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ballast-ui-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(options.bindHost(), options.port()), 0);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IOException(
          "cannot listen on " + options.bindHost() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    UiServer server = new UiServer(options, http, executor);
    http.createContext("/", server::handle);
    http.setExecutor(executor);
    http.start();
    if (!server.assets.available()) {
      log.warn("The UI assets are not on the classpath (built with -Dballast.ui.skipNpm?): only /api/v1 works");
    }
    if (!InetAddress.getByName(options.bindHost()).isLoopbackAddress()) {
      log.warn("The Temporal Web UI listens on {} without authentication", options.bindHost());
    }
    log.info("Temporal Web UI for {} at {}", options.temporalTarget(), server.url());
    return server;
  }

  /** Where the UI finds the codec endpoint; the UI posts to this path plus {@code /decode}. */
  public static final String CODEC_PATH = "/codec";

  /**
   * Serves {@code POST /codec/decode} with {@code decoder} and points the UI at it, as Temporal's
   * codec-server convention has it: the browser sends {@code {"payloads": [...]}} (protobuf JSON:
   * base64 metadata values and data) and shows the decoded payloads it gets back. Use it when
   * payloads are encrypted and this process holds the key. The endpoint answers this server's own
   * origin only, like every other write.
   */
  public void serveCodec(UnaryOperator<List<Payload>> decoder) {
    this.codecDecoder = java.util.Objects.requireNonNull(decoder, "decoder");
    this.settingsJson = settingsJson(options.namespace(), url() + CODEC_PATH);
    log.info("Payload codec endpoint at {}{}/decode", url(), CODEC_PATH);
  }

  /** The port actually bound. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Where to point a browser, e.g. {@code http://127.0.0.1:8233}. */
  public String url() {
    String host = options.bindHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** The URL of a workflow's page, e.g. to print next to a started job. */
  public String workflowUrl(String workflowId) {
    return url() + "/namespaces/" + encodeSegment(options.namespace()) + "/workflows/" + encodeSegment(workflowId);
  }

  private static String encodeSegment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Stops listening and closes the gRPC channel, if an API call had opened it. */
  @Override
  public void close() {
    Backend b;
    synchronized (backendLock) {
      closed = true;
      b = backend;
      backend = null;
    }
    http.stop(0);
    executor.shutdownNow();
    if (b == null) {
      return;
    }
    b.channel().shutdownNow();
    try {
      b.channel().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String rawPath = uri.getRawPath();
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD") && !sameOrigin(exchange)) {
        sendJson(exchange, Transcoder.error(403, io.grpc.Status.Code.PERMISSION_DENIED, "cross-origin request refused"));
        return;
      }
      if (rawPath.equals("/api/v1/settings")) {
        sendJson(exchange, new ApiResponse(200, settingsJson));
      } else if (rawPath.equals(CODEC_PATH + "/decode") && codecDecoder != null) {
        sendJson(exchange, decode(method, exchange));
      } else if (rawPath.startsWith(CODEC_PATH + "/")) {
        // Not the single-page app's fallback: without a codec there is no codec endpoint.
        sendJson(exchange, Transcoder.error(404, io.grpc.Status.Code.NOT_FOUND, "no payload codec configured"));
      } else if (rawPath.startsWith(Transcoder.API_PREFIX)) {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        Transcoder transcoder = transcoder();
        sendJson(
            exchange,
            transcoder == null
                ? Transcoder.error(503, io.grpc.Status.Code.UNAVAILABLE, "the UI server is stopping")
                : transcoder.handle(method, rawPath, uri.getRawQuery(), body));
      } else {
        serveAsset(exchange, uri.getPath());
      }
    } catch (RuntimeException e) {
      log.warn("UI request {} failed", exchange.getRequestURI(), e);
    }
  }

  /** A request without Origin (not from a browser page), or from this server's own origin. */
  private static boolean sameOrigin(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    return origin == null || (host != null && origin.equals("http://" + host));
  }

  private void serveAsset(HttpExchange exchange, String path) throws IOException {
    Optional<StaticAssets.Asset> asset = assets.find(path);
    if (asset.isEmpty()) {
      byte[] body =
          (assets.available()
                  ? "Not found\n"
                  : "The Temporal Web UI was not built into this binary (built with -Dballast.ui.skipNpm=true).\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(assets.available() ? 404 : 503, body.length);
      exchange.getResponseBody().write(body);
      return;
    }
    StaticAssets.Asset a = asset.get();
    exchange.getResponseHeaders().set("Content-Type", a.contentType());
    exchange
        .getResponseHeaders()
        .set("Cache-Control", a.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, a.bytes().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(a.bytes());
    }
  }

  private static void sendJson(HttpExchange exchange, ApiResponse response) throws IOException {
    byte[] body = response.json().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private ApiResponse decode(String method, HttpExchange exchange) throws IOException {
    if (!method.equals("POST")) {
      return Transcoder.error(405, io.grpc.Status.Code.UNIMPLEMENTED, "the codec endpoint takes POST");
    }
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      Payloads.Builder request = Payloads.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(body, request);
      List<Payload> decoded = codecDecoder.apply(request.getPayloadsList());
      return new ApiResponse(200, JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(decoded)));
    } catch (InvalidProtocolBufferException e) {
      return Transcoder.error(400, io.grpc.Status.Code.INVALID_ARGUMENT, "not a payloads document: " + e.getMessage());
    } catch (RuntimeException e) {
      log.debug("codec decode failed", e);
      return Transcoder.error(400, io.grpc.Status.Code.INVALID_ARGUMENT, "cannot decode: " + e.getMessage());
    }
  }

  /** The UI server's own settings document (PascalCase keys, as the Go UI server writes them). */
  static String settingsJson(String namespace) {
    return settingsJson(namespace, "");
  }

  /** The settings document, pointing the UI at {@code codecEndpoint} (empty: no codec). */
  static String settingsJson(String namespace, String codecEndpoint) {
    JsonObject auth = new JsonObject();
    auth.addProperty("Enabled", false);
    auth.add("Options", new com.google.gson.JsonArray());
    JsonObject codec = new JsonObject();
    codec.addProperty("Endpoint", codecEndpoint);
    codec.addProperty("PassAccessToken", false);
    codec.addProperty("IncludeCredentials", false);
    JsonObject settings = new JsonObject();
    settings.add("Auth", auth);
    settings.add("Codec", codec);
    settings.addProperty("DefaultNamespace", namespace);
    settings.addProperty("ShowTemporalSystemNamespace", false);
    settings.addProperty("NotifyOnNewVersion", false);
    settings.addProperty("FeedbackURL", "");
    settings.addProperty("DisableWriteActions", false);
    // Not available on the embedded service: batch operations, reset.
    settings.addProperty("BatchActionsDisabled", true);
    settings.addProperty("WorkflowResetDisabled", true);
    settings.addProperty("StartWorkflowDisabled", true);
    settings.addProperty("HideWorkflowQueryErrors", false);
    settings.addProperty("RefreshWorkflowCountsDisabled", false);
    settings.addProperty("Version", UI_VERSION);
    return settings.toString();
  }
}
