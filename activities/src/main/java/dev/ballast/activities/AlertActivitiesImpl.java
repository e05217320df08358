package dev.ballast.activities;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.activity.AlertActivities;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.Counts;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends job alerts as a JSON POST: a Slack-compatible {@code text} line plus the structured fields
 * {@code jobId}, {@code type}, {@code event}, {@code stage}, {@code message}, {@code counts}
 * ({@code rows}, {@code accepted}, {@code skipped}, {@code rejected}) and {@code output}. Any 2xx
 * answer is success; anything else fails the attempt, which the workflow's alert retry policy
 * retries a few times before giving up (an alert never fails the job).
 */
public class AlertActivitiesImpl implements AlertActivities {
  /** Longest wait for a webhook to connect and to answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The failure type of an undelivered alert. */
  public static final String UNDELIVERED = "ALERT_UNDELIVERED";

  private static final Logger log = LoggerFactory.getLogger(AlertActivitiesImpl.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Built on the first alert, not at worker start: building one sets up TLS (the default
   * SSLContext), a few hundred milliseconds of CPU that most jobs, which send no alert, never need.
   */
  private HttpClient http;

  @Inject
  public AlertActivitiesImpl() {}

  /** With a given HTTP client (tests). */
  public AlertActivitiesImpl(HttpClient http) {
    this.http = http;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }
    return http;
  }

  @Override
  public void sendAlert(AlertRequest request) {
    String body = body(request);
    HttpRequest post;
    try {
      post =
          HttpRequest.newBuilder(URI.create(request.webhook()))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "bad alert webhook URL: " + e.getMessage(), UNDELIVERED, e);
    }
    HttpResponse<String> response;
    try {
      response = http().send(post, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "alert to " + host(request.webhook()) + " not delivered: " + e, UNDELIVERED, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailureWithCause("interrupted sending an alert", UNDELIVERED, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw ApplicationFailure.newFailure(
          "alert to " + host(request.webhook()) + " answered HTTP " + response.statusCode(),
          UNDELIVERED);
    }
    log.info("Sent {} alert of job {} to {}", request.event(), request.jobId(), host(request.webhook()));
  }

  /** The JSON body of {@code request}. */
  public static String body(AlertRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", text(request));
    body.put("jobId", request.jobId());
    body.put("type", request.type());
    body.put("event", request.event());
    body.put("stage", request.stage());
    body.put("message", request.message());
    Counts c = request.counts() == null ? Counts.ZERO : request.counts();
    body.put("counts", Map.of("rows", c.rows(), "accepted", c.accepted(), "skipped", c.skipped(), "rejected", c.rejected()));
    body.put("output", request.output());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The one-line {@code text}: {@code Ballast job X (settlement) FAILED in PROCESS: ...}, or {@code
   * Ballast failover drill X FAILED: ...}.
   */
  static String text(AlertRequest r) {
    if (AlertRequest.DRILL_FAILED.equals(r.event())) {
      return "Ballast failover drill " + r.jobId() + " FAILED: " + r.message();
    }
    String what =
        switch (r.event()) {
          case AlertRequest.COMPLETED -> "completed";
          case AlertRequest.TOLERANCE_EXCEEDED -> "failed: too many rejected rows";
          case AlertRequest.DEADLINE_MISSED ->
              "missed its deadline in " + String.valueOf(r.stage()).toLowerCase(Locale.ROOT) + " (still running)";
          default -> "FAILED in " + String.valueOf(r.stage()).toLowerCase(Locale.ROOT);
        };
    return "Ballast job " + r.jobId() + " (" + r.type() + ") " + what
        + (r.message() == null || r.message().isBlank() ? "" : ": " + r.message());
  }

  /** Only the host, so that a secret in a webhook path never reaches a log or a failure. */
  private static String host(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getAuthority();
    } catch (IllegalArgumentException e) {
      return "(bad URL)";
    }
  }
}
