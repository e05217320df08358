package dev.ballast.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.api.model.AlertRequest;
import dev.ballast.api.model.Counts;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertActivitiesImplTest {
  private HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook/secret",
        ex -> {
          received.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type")
              + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(status.get(), -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/secret";
  }

  private static AlertRequest request(String url) {
    return new AlertRequest(url, "job-7", "settlement", AlertRequest.FAILED, "PROCESS",
        "a.csv changed after planning", new Counts(10, 7, 1, 2), "/data/out");
  }

  @Test
  void postsSlackTextAndStructuredFields() throws Exception {
    new AlertActivitiesImpl().sendAlert(request(url()));
    assertEquals(1, received.size());
    String[] parts = received.get(0).split(" ", 3);
    assertEquals("POST", parts[0]);
    assertEquals("application/json", parts[1]);
    JsonNode body = new ObjectMapper().readTree(parts[2]);
    assertEquals(
        "Ballast job job-7 (settlement) FAILED in process: a.csv changed after planning",
        body.get("text").asText());
    assertEquals("job-7", body.get("jobId").asText());
    assertEquals("FAILED", body.get("event").asText());
    assertEquals("PROCESS", body.get("stage").asText());
    assertEquals(2, body.get("counts").get("rejected").asLong());
    assertEquals(1, body.get("counts").get("skipped").asLong());
    assertEquals("/data/out", body.get("output").asText());
  }

  @Test
  void aNon2xxAnswerFailsTheAttemptRetryablyWithoutLeakingThePath() {
    status.set(500);
    ApplicationFailure e =
        assertThrows(ApplicationFailure.class, () -> new AlertActivitiesImpl().sendAlert(request(url())));
    assertFalse(e.isNonRetryable());
    assertEquals(AlertActivitiesImpl.UNDELIVERED, e.getType());
    assertTrue(e.getOriginalMessage().contains("HTTP 500"), e.getOriginalMessage());
    assertFalse(e.getOriginalMessage().contains("secret"), e.getOriginalMessage());
  }

  @Test
  void aDeadWebhookFailsTheAttemptRetryably() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ApplicationFailure e =
        assertThrows(
            ApplicationFailure.class,
            () -> new AlertActivitiesImpl().sendAlert(request("http://127.0.0.1:" + port + "/x")));
    assertFalse(e.isNonRetryable());
    assertInstanceOf(String.class, e.getOriginalMessage());
    assertTrue(e.getOriginalMessage().contains("not delivered"), e.getOriginalMessage());
  }
}
