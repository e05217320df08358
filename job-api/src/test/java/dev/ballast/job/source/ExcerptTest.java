package dev.ballast.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void printableTextUnderTheLimitIsUnchanged() {
    assertEquals("txn_id,merchant_id,amount", Excerpt.of("txn_id,merchant_id,amount"));
    assertEquals("a, b, café", Excerpt.ofNames(List.of("a", "b", "café")));
  }

  @Test
  void controlCharactersAndReplacementCharactersAreEscaped() {
    assertEquals("PK\\u0003\\u0004\\u0000\\ufffd\\t\\r\\n\\u007f", Excerpt.of("PK\u0003\u0004\u0000\ufffd\t\r\n\u007f"));
  }

  @Test
  void longTextIsCutAndSaysHowMuchIsLeftOut() {
    String text = "x".repeat(500);
    assertEquals("x".repeat(10) + "… (490 more characters)", Excerpt.of(text, 10));
    assertEquals(Excerpt.DEFAULT_CHARS + "… (".length() + " more characters)".length() + 3,
        Excerpt.of(text).length());
  }

  @Test
  void aSurrogatePairIsNotCutInHalf() {
    String text = "ab\uD83D\uDE00cd";
    assertEquals("ab… (4 more characters)", Excerpt.of(text, 3));
  }
}
