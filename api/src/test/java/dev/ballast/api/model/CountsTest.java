package dev.ballast.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Counts as workflow payloads: written with {@code skipped}, read also as the earlier {@code pending}. */
class CountsTest {
  private static final DataConverter CONVERTER = DefaultDataConverter.STANDARD_INSTANCE;

  @Test
  void aPayloadNamesTheSkippedCount() {
    Payload payload = CONVERTER.toPayload(new Counts(10, 7, 2, 1)).orElseThrow();
    assertEquals(
        "{\"rows\":10,\"accepted\":7,\"skipped\":2,\"rejected\":1}", payload.getData().toString(StandardCharsets.UTF_8));
    assertEquals(new Counts(10, 7, 2, 1), CONVERTER.fromPayload(payload, Counts.class, Counts.class));
  }

  @Test
  void aPayloadOfAnEarlierVersionReadsPendingAsSkipped() {
    Payload recorded = CONVERTER.toPayload(new Counts(10, 7, 2, 1)).orElseThrow().toBuilder()
        .setData(ByteString.copyFromUtf8("{\"rows\":10,\"accepted\":7,\"pending\":2,\"rejected\":1}"))
        .build();
    assertEquals(new Counts(10, 7, 2, 1), CONVERTER.fromPayload(recorded, Counts.class, Counts.class));
  }

  @Test
  void plusAddsEachCount() {
    assertEquals(new Counts(11, 8, 3, 0), new Counts(10, 7, 2, 1).plus(new Counts(1, 1, 1, -1)));
  }
}
