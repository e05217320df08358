package dev.ballast.engine.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** JSON string escaping against Jackson's default writer. */
class JsonTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] ALPHABET = {
    'a', 'b', ' ', '"', '\\', '\n', '\r', '\t', '\b', '\f', 0, 1, 0x1F, 0x7F, 0xE9, 0x7FF, 0x800, 0x2028, 0xFFFD, 0xD83D, 0xDE00, 0xDBFF, 0xDC00, '/'
  };

  @Test
  void escapesLikeJackson() throws JsonProcessingException {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      int n = rnd.nextInt(20);
      for (int i = 0; i < n; i++) {
        s.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
      }
      String text = s.toString();
      assertEquals(JSON.writeValueAsString(text), JsonText.quote(text), () -> "round with " + text.length() + " chars");
      StringBuilder out = new StringBuilder("x");
      JsonText.appendString(out, text);
      assertEquals("x" + JSON.writeValueAsString(text), out.toString());
      byte[] utf8 = new byte[3 + JsonText.maxUtf8Bytes(text)];
      int end = JsonText.putUtf8(utf8, 3, text);
      assertArrayEquals(JsonText.quote(text).getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(utf8, 3, end),
          () -> "UTF-8 of " + text.chars().mapToObj(Integer::toHexString).toList());
    }
  }
}
