package dev.ballast.ui;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over the Chrome DevTools protocol (a WebSocket, JDK only): navigate,
 * evaluate JavaScript, wait for a condition with a timeout, take screenshots.
 */
final class CdpBrowser implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The Chromium binary: $BALLAST_CHROMIUM, else the Debian package's. */
  static Optional<Path> findChromium() {
    List<String> candidates = new ArrayList<>();
    String configured = System.getenv("BALLAST_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  CdpBrowser(Path chromium, Path userDataDir) throws IOException, InterruptedException {
    process =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1440,1000",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + userDataDir,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(userDataDir.resolveSibling("chromium.log").toFile())
            .start();
    Path portFile = userDataDir.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("Chromium did not open its DevTools port; see chromium.log");
      }
      Thread.sleep(50);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String targets =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    String pageSocket = null;
    for (JsonElement t : JsonParser.parseString(targets).getAsJsonArray()) {
      if (t.getAsJsonObject().get("type").getAsString().equals("page")) {
        pageSocket = t.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
        break;
      }
    }
    if (pageSocket == null) {
      throw new IOException("no page target in " + targets);
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).join();
    call("Page.enable", new JsonObject());
    call("Runtime.enable", new JsonObject());
    call("Log.enable", new JsonObject());
  }

  /** Console errors, uncaught exceptions and error log entries (failed requests) of the page. */
  private void recordError(String method, JsonObject params) {
    switch (method) {
      case "Runtime.consoleAPICalled" -> {
        if ("error".equals(params.get("type").getAsString())) {
          StringBuilder text = new StringBuilder("console.error:");
          for (JsonElement arg : params.getAsJsonArray("args")) {
            JsonObject a = arg.getAsJsonObject();
            text.append(' ').append(a.has("value") ? a.get("value") : a.has("description") ? a.get("description").getAsString() : a);
          }
          errors.add(text.toString());
        }
      }
      case "Runtime.exceptionThrown" -> {
        JsonObject details = params.getAsJsonObject("exceptionDetails");
        errors.add(
            "exception: "
                + (details.has("exception") && details.getAsJsonObject("exception").has("description")
                    ? details.getAsJsonObject("exception").get("description").getAsString()
                    : details.get("text").getAsString()));
      }
      case "Log.entryAdded" -> {
        JsonObject entry = params.getAsJsonObject("entry");
        if ("error".equals(entry.get("level").getAsString())) {
          errors.add("log: " + entry.get("text").getAsString() + (entry.has("url") ? " " + entry.get("url").getAsString() : ""));
        }
      }
      default -> {}
    }
  }

  /** The errors seen since the last call (console errors, exceptions, failed requests), cleared. */
  List<String> takeErrors() {
    synchronized (errors) {
      List<String> taken = List.copyOf(errors);
      errors.clear();
      return taken;
    }
  }

  /** The texts of the toasts on the page now (the Web UI's toaster, {@code [role=log]}). */
  List<String> toasts() {
    JsonElement value =
        evaluate(
            "[...document.querySelectorAll('[role=log] > *')].map(t => t.innerText.trim()).filter(t => t)");
    List<String> texts = new ArrayList<>();
    if (value != null && value.isJsonArray()) {
      value.getAsJsonArray().forEach(t -> texts.add(t.getAsString()));
    }
    return texts;
  }

  /** The text of every same-origin iframe of the page (the UI renders summaries and details in them). */
  List<String> iframeTexts() {
    JsonElement value =
        evaluate(
            "[...document.querySelectorAll('iframe')].map(f => { try { return f.contentDocument.body.innerText.trim(); }"
                + " catch (e) { return ''; } })");
    List<String> texts = new ArrayList<>();
    if (value != null && value.isJsonArray()) {
      value.getAsJsonArray().forEach(t -> texts.add(t.getAsString()));
    }
    return texts;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        JsonObject message = JsonParser.parseString(buffer.toString()).getAsJsonObject();
        buffer.setLength(0);
        if (message.has("id")) {
          CompletableFuture<JsonObject> future = pending.remove(message.get("id").getAsInt());
          if (future != null) {
            future.complete(message);
          }
        } else if (message.has("method")) {
          recordError(message.get("method").getAsString(), message.getAsJsonObject("params"));
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  /** Sends a DevTools command and returns its result. */
  JsonObject call(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> future = new CompletableFuture<>();
    pending.put(id, future);
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    socket.sendText(message.toString(), true).join();
    try {
      JsonObject response = future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (response.has("error")) {
        throw new IllegalStateException(method + " failed: " + response.get("error"));
      }
      return response.getAsJsonObject("result");
    } catch (Exception e) {
      pending.remove(id);
      throw new IllegalStateException(method + " failed", e);
    }
  }

  void navigate(String url) {
    JsonObject params = new JsonObject();
    params.addProperty("url", url);
    call("Page.navigate", params);
  }

  /** Evaluates a JavaScript expression (promises awaited) and returns its value as JSON. */
  JsonElement evaluate(String expression) {
    JsonObject params = new JsonObject();
    params.addProperty("expression", expression);
    params.addProperty("returnByValue", true);
    params.addProperty("awaitPromise", true);
    JsonObject result = call("Runtime.evaluate", params).getAsJsonObject("result");
    return result.has("value") ? result.get("value") : null;
  }

  /** The visible text of the page. */
  String text() {
    JsonElement value = evaluate("document.body ? document.body.innerText : ''");
    return value == null ? "" : value.getAsString();
  }

  /**
   * Polls a JavaScript condition until it is true; on timeout saves {@code failure-<name>.png} and
   * fails with the page text.
   */
  void waitFor(String description, String jsCondition, Duration timeout, Path screenshots) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonElement value;
      try {
        value = evaluate("(() => { try { return !!(" + jsCondition + "); } catch (e) { return false; } })()");
      } catch (IllegalStateException e) {
        value = null; // navigation in progress
      }
      if (value != null && value.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        screenshot(screenshots.resolve("failure-" + description.replaceAll("[^A-Za-z0-9]+", "-") + ".png"));
        throw new AssertionError("timed out waiting for " + description + "; page text:\n" + text());
      }
      Thread.sleep(200);
    }
  }

  /** Waits until the page text contains every one of {@code texts}. */
  void waitForText(String description, Duration timeout, Path screenshots, String... texts) throws Exception {
    JsonArray array = new JsonArray();
    for (String t : texts) {
      array.add(t);
    }
    waitFor(description, array + ".every(t => document.body.innerText.includes(t))", timeout, screenshots);
  }

  void screenshot(Path file) throws IOException {
    JsonObject params = new JsonObject();
    params.addProperty("format", "png");
    String data = call("Page.captureScreenshot", params).get("data").getAsString();
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() throws InterruptedException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
