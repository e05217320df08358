package dev.ballast.engine.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A line of rejects.jsonl written from a rejected line's bytes is the one written from its decoded
 * text, which is what Jackson writes for the same fields.
 */
class RejectLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** ASCII text and its escapes, well-formed UTF-8 and malformed bytes. */
  private static final byte[][] PIECES = {
    {'a'}, {'Z'}, {' '}, {','}, {'"'}, {'\\'}, {'/'}, {'\t'}, {'\r'}, {'\b'}, {'\f'}, {0}, {0x1F}, {0x7F},
    {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xA9},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}
  };
  private static final long[] LINES = {0, 1, 9, 10, 99, 100, 12_345, 999_999_999_999L, Long.MAX_VALUE};

  @Test
  void fromBytesAsFromTextAsJackson() throws Exception {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int round = 0; round < 20_000; round++) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      int pieces = rnd.nextInt(12);
      // Mostly ASCII, as most rejected lines are; a third of them with any piece.
      int alphabet = round % 3 == 0 ? PIECES.length : 14;
      for (int i = 0; i < pieces; i++) {
        raw.writeBytes(PIECES[rnd.nextInt(alphabet)]);
      }
      // The line inside a larger buffer, as a line source hands it out.
      int before = rnd.nextInt(5);
      byte[] buffer = new byte[before + raw.size() + rnd.nextInt(5)];
      Arrays.fill(buffer, (byte) '"');
      System.arraycopy(raw.toByteArray(), 0, buffer, before, raw.size());
      String text = new String(raw.toByteArray(), StandardCharsets.UTF_8);
      long line = round < LINES.length ? LINES[round] : 1 + rnd.nextLong(50_000_000L);
      String file = round % 2 == 0 ? "in.csv" : "d\u00e9j\u00e0 \"vu\".csv";

      ByteArrayOutputStream fromBytes = new ByteArrayOutputStream();
      StagedRecords.writeRejectLine(fromBytes, file, line, "BAD_AMOUNT", buffer, before, before + raw.size());
      ByteArrayOutputStream fromText = new ByteArrayOutputStream();
      StagedRecords.writeRejectLine(fromText, file, line, "BAD_AMOUNT", text);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("file", file);
      fields.put("line", line);
      fields.put("reason", "BAD_AMOUNT");
      fields.put("raw", text);
      String expected = JSON.writeValueAsString(fields) + "\n";

      String where = "line " + line + ", bytes " + Arrays.toString(raw.toByteArray());
      assertEquals(expected, fromText.toString(StandardCharsets.UTF_8), where);
      assertEquals(expected, fromBytes.toString(StandardCharsets.UTF_8), where);
      assertEquals(Arrays.toString(fromText.toByteArray()), Arrays.toString(fromBytes.toByteArray()), where);
    }
  }
}
