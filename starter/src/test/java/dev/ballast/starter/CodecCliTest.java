package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.codec.AesGcmPayloadCodec;
import dev.ballast.worker.codec.CodecKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** With a codec key configured, the CLI encrypts the job spec it starts. */
@Timeout(60)
class CodecCliTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "on the {0} service")
  @EnumSource(TestTemporal.Kind.class)
  void theSpecInHistoryIsEncrypted(TestTemporal.Kind kind) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("secret-input-name.csv"), ""); // start checks it exists
    try (TestTemporal temporal = TestTemporal.start(kind)) {
      byte[] key = new byte[32];
      key[0] = 7;
      Map<String, String> env =
          Map.of(
              ConnectionSettings.ADDRESS, temporal.address(),
              CodecKeys.KEY_ENV, "cli-key:" + Base64.getEncoder().encodeToString(key));
      Cli.Result started =
          Cli.run(env, dir, "start", "--id", "sealed-1", "--type", "settlement",
              "--input", "secret-input-name.csv", "--output", "secret-output-dir");
      assertEquals(0, started.code(), started.err());

      WorkflowServiceStubs stubs = WorkflowServiceStubs.newConnectedServiceStubs(
          ConnectionSettings.plain(temporal.address(), "default").toStubsOptions(), java.time.Duration.ofSeconds(5));
      try {
        WorkflowClient plain = WorkflowClient.newInstance(stubs);
        HistoryEvent first = plain.fetchHistory("sealed-1").getEvents().get(0);
        Payload spec = first.getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);
        assertTrue(AesGcmPayloadCodec.isEncrypted(spec));
        assertEquals("cli-key", spec.getMetadataOrThrow(AesGcmPayloadCodec.KEY_ID).toStringUtf8());
        String raw = first.toByteString().toString(StandardCharsets.UTF_8);
        assertFalse(raw.contains("secret-input-name") || raw.contains("secret-output-dir"), raw);
      } finally {
        stubs.shutdownNow();
      }
    }
  }
}
