package dev.ballast.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The built Web UI, read from the classpath under {@link #ROOT}. A path that is not a file gets
 * {@code index.html} (the single-page app routes in the browser).
 */
final class StaticAssets {

  /** Classpath folder of the built UI (the Maven build copies frontend/build there). */
  static final String ROOT = "ballast-ui/";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("wasm", "application/wasm"));

  /** One file to send. */
  record Asset(byte[] bytes, String contentType, boolean immutable) {}

  private final ClassLoader loader;

  StaticAssets(ClassLoader loader) {
    this.loader = loader;
  }

  /** Whether the UI was built into this classpath at all. */
  boolean available() {
    return loader.getResource(ROOT + "index.html") != null;
  }

  /** The file for a decoded request path, or index.html for app routes; empty if neither exists. */
  Optional<Asset> find(String path) throws IOException {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    String last = relative.substring(relative.lastIndexOf('/') + 1);
    if (last.contains(".") && !relative.contains("..")) {
      Optional<Asset> file = read(relative);
      if (file.isPresent()) {
        return file;
      }
      if (relative.startsWith("_app/")) {
        return Optional.empty(); // a missing bundle file is a 404, not the app
      }
    }
    return read("index.html");
  }

  private Optional<Asset> read(String relative) throws IOException {
    try (InputStream in = loader.getResourceAsStream(ROOT + relative)) {
      if (in == null) {
        return Optional.empty();
      }
      int dot = relative.lastIndexOf('.');
      String ext = dot < 0 ? "" : relative.substring(dot + 1).toLowerCase(Locale.ROOT);
      String type = TYPES.getOrDefault(ext, "application/octet-stream");
      return Optional.of(new Asset(in.readAllBytes(), type, relative.startsWith("_app/immutable/")));
    }
  }
}
