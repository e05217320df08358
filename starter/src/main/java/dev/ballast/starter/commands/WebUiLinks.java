package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Links to a job's or pipeline's page in the Temporal Web UI, as {@code status} shows them. */
public final class WebUiLinks {
  /** The Web UI's default base URL (the embedded UI server's default port). */
  static final String DEFAULT_UI_URL = "http://127.0.0.1:8233";

  private WebUiLinks() {}

  /**
   * The Web UI's base URL for the link: {@code uiUrl} (the {@code --ui-url} option), else {@code
   * $BALLAST_UI_URL}, else {@link #DEFAULT_UI_URL} only if a Web UI there answers for this very run
   * (the one {@code ballast run} or {@code server} serves by default, or a dev server's); else null:
   * no link.
   */
  static String base(String uiUrl, Map<String, String> env, String namespace, String workflowId, String runId) {
    String base = uiUrl;
    if (base == null || base.isBlank()) {
      base = env.get("BALLAST_UI_URL");
    }
    if (base == null || base.isBlank()) {
      return showsRun(DEFAULT_UI_URL, namespace, workflowId, runId) ? DEFAULT_UI_URL : null;
    }
    base = base.trim();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** Whether the Web UI at {@code base} describes this run (its API answers within a second). */
  public static boolean showsRun(String base, String namespace, String workflowId, String runId) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/api/v1/namespaces/" + encode(namespace) + "/workflows/"
                          + encode(workflowId) + "?execution.runId=" + encode(runId)))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && new ObjectMapper()
              .readTree(response.body())
              .path("workflowExecutionInfo")
              .path("execution")
              .path("runId")
              .asText()
              .equals(runId);
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code BASE/namespaces/NS/workflows/ID}, the job's page in the Temporal Web UI. */
  static String link(String base, String namespace, String id) {
    return base + "/namespaces/" + encode(namespace) + "/workflows/" + encode(id);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
