package dev.ballast.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.job.Cursor;
import dev.ballast.job.SourceRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings split, and CSV sources read, with the byte splitter's rules: against a character-level
 * model of RFC 4180 over the decoded line (so splitting bytes and then decoding each field, as
 * {@link CsvSource} does, equals decoding the line and then splitting it, invalid UTF-8 included),
 * and quoting that splits back to the same fields.
 */
class CsvTest {
  private static final byte[] ALPHABET = {
    '"', '"', ',', ',', 'a', ' ', '\r', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xFF
  };

  @TempDir Path dir;

  @Test
  void randomLinesSplitLikeTheModelOfTheirDecodedText() {
    SplittableRandom rnd = new SplittableRandom(5);
    CsvSplitter splitter = new CsvSplitter();
    for (int round = 0; round < 100_000; round++) {
      byte[] line = new byte[rnd.nextInt(24)];
      for (int i = 0; i < line.length; i++) {
        line[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
      }
      String text = Utf8.decode(line, 0, line.length);
      List<String> expected = model(text);
      assertEquals(expected, Csv.split(text), text);
      splitter.split(line, 0, line.length);
      assertEquals(expected, splitter.values(line), text);
    }
  }

  @Test
  void quotedFieldsSplitBack() {
    SplittableRandom rnd = new SplittableRandom(7);
    String chars = "ab,\"\r\n \u00e9\u20ac";
    for (int round = 0; round < 20_000; round++) {
      List<String> fields = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      for (int f = 0, n = 1 + rnd.nextInt(5); f < n; f++) {
        StringBuilder v = new StringBuilder();
        for (int i = rnd.nextInt(8); i > 0; i--) {
          v.append(chars.charAt(rnd.nextInt(chars.length())));
        }
        fields.add(v.toString());
        line.append(f == 0 ? "" : ",").append(Csv.quote(v.toString()));
      }
      assertEquals(fields, Csv.split(line.toString()), line.toString());
    }
  }

  @Test
  void aFieldIsQuotedOnlyWhenItMustBe() {
    assertEquals("plain text", Csv.quote("plain text"));
    assertEquals("\u00e9t\u00e9", Csv.quote("\u00e9t\u00e9"));
    assertEquals("\"a,b\"", Csv.quote("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", Csv.quote("say \"hi\""));
    assertEquals("\"a\rb\"", Csv.quote("a\rb"));
    assertEquals("\"a\nb\"", Csv.quote("a\nb"));
    assertEquals("", Csv.quote(""));
  }

  @Test
  void aCsvSourceReadsRowsWithTheHeadersColumns() throws IOException {
    Path file = dir.resolve("in.csv");
    String header = "id,\"name, full\"";
    byte[] body = ("1,\"Bob \"\"B\"\"\"\r\n\n2,caf\u00e9\n3,x\"y\n4,\"open\n5,a,b")
        .getBytes(StandardCharsets.UTF_8);
    byte[] bytes = (header + "\n").getBytes(StandardCharsets.UTF_8);
    Files.write(file, concat(bytes, body));
    List<String> seen = new ArrayList<>();
    try (CsvSource source = CsvSource.open(file, new Cursor(bytes.length, 2), bytes.length + body.length, header)) {
      for (SourceRecord<CsvRow> r = source.next(); r != null; r = source.next()) {
        CsvRow row = r.value();
        seen.add(r.line() + " " + r.raw() + " -> " + row.fields() + (row.wellFormed() ? " " + row.get("name, full") : ""));
      }
    }
    assertEquals(
        List.of(
            "2 1,\"Bob \"\"B\"\"\" -> [1, Bob \"B\"] Bob \"B\"",
            "4 2,caf\u00e9 -> [2, caf\u00e9] caf\u00e9",
            "5 3,x\"y -> null",
            "6 4,\"open -> null",
            "7 5,a,b -> [5, a, b]"),
        seen);
  }

  @Test
  void aMalformedHeaderIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CsvSource.open(dir.resolve("none.csv"), new Cursor(0, 1), 0, "a,\"b"));
    assertTrue(e.getMessage().startsWith("malformed header (bad RFC 4180 quoting)"), e.getMessage());
    assertNull(Csv.split("a,\"b"));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** RFC 4180 one character at a time: the fields, or null when the quoting is invalid. */
  private static List<String> model(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        for (i++; ; i++) {
          if (i >= n) {
            return null;
          }
          if (line.charAt(i) == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i++;
            } else {
              i++;
              break;
            }
          } else {
            field.append(line.charAt(i));
          }
        }
        if (i < n && line.charAt(i) != ',') {
          return null;
        }
      } else {
        for (; i < n && line.charAt(i) != ','; i++) {
          if (line.charAt(i) == '"') {
            return null;
          }
          field.append(line.charAt(i));
        }
      }
      fields.add(field.toString());
      if (i >= n) {
        return fields;
      }
      i++;
    }
  }
}
