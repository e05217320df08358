package dev.ballast.worker.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.protobuf.ByteString;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.job.policy.Stage;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class PayloadEncryptionTest {
  @TempDir Path tmp;

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (seed * 31 + i);
    }
    return k;
  }

  private static CodecKeys keys(String active, String... ids) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      map.put(ids[i], key(i + 1));
    }
    return new CodecKeys(map, active);
  }

  private static Payload json(String text) {
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(text).orElseThrow();
  }

  @Test
  void roundTripKeepsThePayloadAndHidesIt() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(keys("k1", "k1"));
    Payload plain = json("/data/incoming/secret-merchant.csv");
    Payload sealed = codec.encode(List.of(plain)).get(0);
    assertTrue(AesGcmPayloadCodec.isEncrypted(sealed));
    assertEquals("k1", sealed.getMetadataOrThrow(AesGcmPayloadCodec.KEY_ID).toStringUtf8());
    assertFalse(sealed.toByteString().toStringUtf8().contains("secret-merchant"));
    assertEquals(plain, codec.decode(List.of(sealed)).get(0));
    // Fresh nonce every time: the same value never encrypts to the same bytes.
    assertFalse(sealed.getData().equals(codec.encode(List.of(plain)).get(0).getData()));
    // Payloads that were never encrypted pass through.
    assertEquals(plain, codec.decode(List.of(plain)).get(0));
  }

  @Test
  void rotationDecodesOldPayloadsAndEncryptsWithTheNewKey() {
    Payload plain = json("row");
    Payload old = new AesGcmPayloadCodec(keys("k1", "k1")).encode(List.of(plain)).get(0);
    AesGcmPayloadCodec rotated = new AesGcmPayloadCodec(keys("k2", "k1", "k2"));
    assertEquals(plain, rotated.decode(List.of(old)).get(0));
    Payload fresh = rotated.encode(List.of(plain)).get(0);
    assertEquals("k2", fresh.getMetadataOrThrow(AesGcmPayloadCodec.KEY_ID).toStringUtf8());

    AesGcmPayloadCodec onlyK2 = new AesGcmPayloadCodec(new CodecKeys(Map.of("k2", key(2)), "k2"));
    PayloadCodecException unknown = assertThrows(PayloadCodecException.class, () -> onlyK2.decode(List.of(old)));
    assertTrue(unknown.getMessage().contains("'k1'"), unknown.getMessage());
  }

  @Test
  void tamperingOrSwappingTheKeyIdIsDetected() {
    AesGcmPayloadCodec codec = new AesGcmPayloadCodec(keys("k1", "k1", "k2"));
    Payload sealed = codec.encode(List.of(json("x"))).get(0);
    byte[] data = sealed.getData().toByteArray();
    data[data.length - 1] ^= 1;
    Payload flipped = sealed.toBuilder().setData(ByteString.copyFrom(data)).build();
    assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(flipped)));
    Payload swapped = sealed.toBuilder().putMetadata(AesGcmPayloadCodec.KEY_ID, ByteString.copyFromUtf8("k2")).build();
    assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(swapped)));
  }

  @Test
  void keysComeFromEnvOrFileAndErrorsNameTheVariable() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(key(1));
    assertTrue(CodecKeys.fromEnv(Map.of()).isEmpty());
    assertEquals("a", CodecKeys.fromEnv(Map.of(CodecKeys.KEY_ENV, "a:" + b64)).orElseThrow().activeId());
    Path file = Files.writeString(tmp.resolve("keys"), "# rotated monthly\nold=" + b64 + "\nnew="
        + Base64.getEncoder().encodeToString(key(2)) + "\n");
    CodecKeys fromFile = CodecKeys.fromEnv(Map.of(CodecKeys.KEYS_FILE_ENV, file.toString())).orElseThrow();
    assertEquals(List.of("old", "new"), fromFile.ids());
    assertEquals("new", fromFile.activeId());
    assertEquals("old", CodecKeys.fromEnv(Map.of(CodecKeys.KEYS_FILE_ENV, file.toString(), CodecKeys.ACTIVE_ENV, "old"))
        .orElseThrow().activeId());
    assertFalse(fromFile.toString().contains(b64));

    String shortKey = Base64.getEncoder().encodeToString(new byte[7]);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CodecKeys.fromEnv(Map.of(CodecKeys.KEY_ENV, "a:" + shortKey))).getMessage().startsWith(CodecKeys.KEY_ENV));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CodecKeys.fromEnv(Map.of(CodecKeys.KEYS_FILE_ENV, tmp.resolve("none").toString()))).getMessage()
        .startsWith(CodecKeys.KEYS_FILE_ENV));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CodecKeys.fromEnv(Map.of(CodecKeys.KEY_ENV, "a:" + b64, CodecKeys.ACTIVE_ENV, "zz"))).getMessage()
        .startsWith(CodecKeys.ACTIVE_ENV));
  }

  @Test
  void aJobsHistoryHoldsNoPlaintextPathOrRow() throws Exception {
    Path input = tmp.resolve("plaintext-input-name.csv");
    Files.writeString(
        input,
        "created_at,txn_id,merchant_id,amount,currency,status\n"
            + "2024-02-28T10:00:00Z,TXN-PLAINTEXT-1,MERCHANT-PLAINTEXT-7,12.50,USD,SETTLED\n"
            + "2024-02-28T11:00:00Z,TXN-PLAINTEXT-2,MERCHANT-PLAINTEXT-7,1.00,EUR,SETTLED\n"
            + "bad,TXN-PLAINTEXT-3,MERCHANT-PLAINTEXT-8,1.00,USD,SETTLED\n",
        UTF_8);
    Path output = tmp.resolve("plaintext-output-dir");
    String b64 = Base64.getEncoder().encodeToString(key(9));
    // The worker's settings supply the address and namespace; the connection adds the codec.
    ConnectionSettings connection =
        new ConnectionSettings(
        "unused", "default", null, null, null, null, null, null, false,
        CodecKeys.fromEnv(Map.of(CodecKeys.KEY_ENV, "job-key:" + b64)).orElseThrow());

    try (EmbeddedTemporal temporal = EmbeddedTemporal.start(0)) {
      WorkerSettings settings = WorkerSettings.defaults(temporal.address()).withChunkSlots(2);
      WorkerService service =
          Guice.createInjector(new WorkerModule(settings, connection)).getInstance(WorkerService.class);
      service.start();
      try {
        WorkflowClient client = service.client();
        String jobId = "encrypted-job";
        JobWorkflow job =
            client.newWorkflowStub(
                JobWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(jobId).setTaskQueue(TaskQueues.JOBS).build());
        JobSpec spec =
            new JobSpec(jobId, "settlement", List.of(input.toString()), output.toString(),
                null, 64L, null, null, null, null, null);
        JobResult result = job.run(spec);
        assertEquals(3, result.counts().rows(), result.toString());
        assertTrue(Files.exists(output.resolve("settlement.csv")));

        List<String> ids = new ArrayList<>(List.of(jobId));
        for (Stage stage : Stage.values()) {
          ids.add(JobWorkflow.stageId(jobId, stage));
        }
        int encrypted = 0;
        for (String id : ids) {
          for (HistoryEvent event : client.fetchHistory(id).getEvents()) {
            String raw = event.toByteString().toString(UTF_8);
            for (String secret : List.of("plaintext-input-name", "plaintext-output-dir", "PLAINTEXT-7", "TXN-PLAINTEXT")) {
              assertFalse(raw.contains(secret), () -> id + " event " + event.getEventType() + " holds " + secret);
            }
            if (raw.contains(AesGcmPayloadCodec.ENCODING)) {
              encrypted++;
            }
          }
        }
        assertTrue(encrypted > 10, "payloads were encrypted: " + encrypted);

        // Without the key the same history cannot be read back.
        HistoryEvent first = client.fetchHistory(jobId).getEvents().get(0);
        Payload specPayload =
            first.getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);
        assertTrue(AesGcmPayloadCodec.isEncrypted(specPayload));
        DataConverter plain = DefaultDataConverter.STANDARD_INSTANCE;
        assertThrows(RuntimeException.class, () -> plain.fromPayload(specPayload, JobSpec.class, JobSpec.class));
        DataConverter withKey = AesGcmPayloadCodec.dataConverter(connection.codecKeys());
        JobSpec decoded =
            withKey.fromPayloads(0, Optional.of(first.getWorkflowExecutionStartedEventAttributes().getInput()),
                JobSpec.class, JobSpec.class);
        assertEquals(input.toString(), decoded.inputs().get(0));
      } finally {
        service.stop();
      }
    }
  }
}
