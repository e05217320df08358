package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code POST /codec/decode}, Temporal's codec-server convention, served when given a decoder. */
class UiCodecEndpointTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(UiServer ui, String body, String origin) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(ui.url() + "/codec/decode"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject settings(UiServer ui) throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(URI.create(ui.url() + "/api/v1/settings")).build(), HttpResponse.BodyHandlers.ofString());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  @Test
  void decodesPayloadsWhenGivenACodecAndAdvertisesTheEndpoint() throws Exception {
    // The address is never dialled: the codec endpoint does not talk to Temporal.
    try (UiServer ui = UiServer.start(UiOptions.loopback("127.0.0.1:1", "default", 0))) {
      assertEquals("", settings(ui).getAsJsonObject("Codec").get("Endpoint").getAsString());
      String body =
          "{\"payloads\":[{\"metadata\":{\"encoding\":\"" + b64("binary/encrypted") + "\"},\"data\":\"" + b64("sealed") + "\"}]}";
      assertNotEquals(200, post(ui, body, null).statusCode(), "no endpoint without a codec");

      ui.serveCodec(
          payloads ->
              payloads.stream()
                  .map(p -> Payload.newBuilder()
                      .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                      .setData(ByteString.copyFromUtf8("\"" + p.getData().toStringUtf8().toUpperCase() + "\""))
                      .build())
                  .toList());
      assertEquals(ui.url() + "/codec", settings(ui).getAsJsonObject("Codec").get("Endpoint").getAsString());

      HttpResponse<String> r = post(ui, body, ui.url());
      assertEquals(200, r.statusCode(), r.body());
      JsonObject payload = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("payloads").get(0).getAsJsonObject();
      assertEquals(b64("json/plain"), payload.getAsJsonObject("metadata").get("encoding").getAsString());
      assertEquals(b64("\"SEALED\""), payload.get("data").getAsString());

      assertEquals(403, post(ui, body, "http://evil.example").statusCode(), "cross-origin refused");
      HttpResponse<String> bad = post(ui, "{not json", null);
      assertEquals(400, bad.statusCode());
      JsonParser.parseString(bad.body()).getAsJsonObject().get("message").getAsString();
    }
  }

  @Test
  void decoderErrorsAreAnsweredAsJson() throws Exception {
    try (UiServer ui = UiServer.start(UiOptions.loopback("127.0.0.1:1", "default", 0))) {
      ui.serveCodec(payloads -> {
        throw new IllegalStateException("unknown key id 'k9'");
      });
      HttpResponse<String> r = post(ui, "{\"payloads\":[{\"data\":\"" + b64("x") + "\"}]}", null);
      assertEquals(400, r.statusCode());
      String message = JsonParser.parseString(r.body()).getAsJsonObject().get("message").getAsString();
      assertTrue(message.contains("k9"), message);
    }
  }
}
