package dev.ballast.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The splitter, which scans eight bytes at a time, against a byte-at-a-time model of RFC 4180,
 * with lines placed anywhere in a buffer (the bytes around them must not count).
 */
class CsvSplitterTest {
  /** Bytes lines are made of: quotes and commas often, CR, UTF-8 and invalid bytes sometimes. */
  private static final byte[] ALPHABET = {
    '"', '"', '"', ',', ',', ',', 'a', 'b', ' ', '\r', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, (byte) 0xA2
  };

  @Test
  void randomLinesSplitLikeTheModel() {
    SplittableRandom rnd = new SplittableRandom(11);
    CsvSplitter splitter = new CsvSplitter();
    for (int round = 0; round < 200_000; round++) {
      byte[] line = new byte[rnd.nextInt(30)];
      for (int i = 0; i < line.length; i++) {
        line[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
      }
      if (round % 3 == 0) {
        line = quotedFields(rnd);
      }
      // Placed at a random offset, with quotes and commas around it; sometimes at the very end.
      int before = rnd.nextInt(17);
      int after = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(17);
      byte[] b = new byte[before + line.length + after];
      Arrays.fill(b, rnd.nextBoolean() ? (byte) '"' : (byte) ',');
      System.arraycopy(line, 0, b, before, line.length);
      check(splitter, b, before, before + line.length);
    }
  }

  @Test
  void edgeCases() {
    CsvSplitter splitter = new CsvSplitter();
    String[] lines = {
      "", ",", ",,", "\"", "\"\"", "\"\"\"", "\"\"\"\"", "a\"", "a,\"", "a,\"\"", "abcdefg\"", "abcdefgh\"",
      "abcdefgh,\"x\"", "abcdefg,\"x\"", "abcdef,\"x\",y", "\"abcdefgh\"\"ijklmnop\"", "\"abcdefg\"\"\",h",
      "1234567,\"\"", "12345678,\"\",", "\"x\"y", "\"x\" ,y", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t",
      "\"a,b\",\"c\"\"d\",e\r", "x\ry,\"\r\"", "\u00e9t\u00e9,caf\u00e9,\"\u00e9\"", ",,,,,,,,,,,,,,,,,,,,\"\""
    };
    for (String text : lines) {
      byte[] line = text.getBytes(StandardCharsets.UTF_8);
      for (int before = 0; before < 9; before++) {
        for (byte filler : new byte[] {'"', ',', 'z'}) {
          for (int after : new int[] {0, 1, 7, 8, 9}) {
            byte[] b = new byte[before + line.length + after];
            Arrays.fill(b, filler);
            System.arraycopy(line, 0, b, before, line.length);
            check(splitter, b, before, before + line.length);
          }
        }
      }
    }
  }

  @Test
  void manyFieldsGrowTheArrays() {
    CsvSplitter splitter = new CsvSplitter();
    byte[] b = ",\"x\"".repeat(100).getBytes(StandardCharsets.US_ASCII);
    assertEquals(101, splitter.split(b, 0, b.length));
    assertEquals("x", splitter.value(b, 100));
  }

  /** A line of fields that are quoted (some with "" escapes) or not. */
  private static byte[] quotedFields(SplittableRandom rnd) {
    StringBuilder s = new StringBuilder();
    int n = 1 + rnd.nextInt(8);
    for (int f = 0; f < n; f++) {
      if (f > 0) {
        s.append(',');
      }
      StringBuilder v = new StringBuilder();
      int len = rnd.nextInt(12);
      for (int i = 0; i < len; i++) {
        v.append("ab,\"\u00e9 ".charAt(rnd.nextInt(6)));
      }
      if (rnd.nextBoolean()) {
        s.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
      } else {
        s.append(v.toString().replace("\"", "").replace(",", ""));
      }
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void check(CsvSplitter splitter, byte[] b, int from, int to) {
    List<int[]> expected = new ArrayList<>();
    int n = model(b, from, to, expected);
    String where = "line [" + new String(b, from, to - from, StandardCharsets.ISO_8859_1) + "] at " + from;
    assertEquals(n, splitter.split(b, from, to), where);
    assertEquals(n, splitter.count(), where);
    for (int i = 0; i < n; i++) {
      int[] f = expected.get(i);
      assertEquals(f[0], splitter.start(i), where + " field " + i + " start");
      assertEquals(f[1], splitter.end(i), where + " field " + i + " end");
      assertEquals(f[2] == 1, splitter.escaped(i), where + " field " + i + " escaped");
      // unescape: the content with each "" as one quote, which decodes to value().
      byte[] into = new byte[f[1] - f[0]];
      int len = splitter.unescape(b, i, into);
      byte[] content = Arrays.copyOfRange(b, f[0], f[1]);
      byte[] unescaped = new String(content, StandardCharsets.ISO_8859_1)
          .replace("\"\"", "\"").getBytes(StandardCharsets.ISO_8859_1);
      assertEquals(
          Arrays.toString(unescaped), Arrays.toString(Arrays.copyOf(into, len)), where + " field " + i + " unescaped");
      assertEquals(splitter.value(b, i), Utf8.decode(into, 0, len), where + " field " + i + " decoded");
    }
  }

  /** RFC 4180 one byte at a time: fields as {start, end, escaped}; -1 when malformed. */
  private static int model(byte[] b, int from, int to, List<int[]> fields) {
    int i = from;
    while (true) {
      if (i < to && b[i] == '"') {
        int start = ++i;
        int escaped = 0;
        while (true) {
          if (i >= to) {
            return -1;
          }
          if (b[i] == '"') {
            if (i + 1 < to && b[i + 1] == '"') {
              escaped = 1;
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        fields.add(new int[] {start, i, escaped});
        i++;
        if (i == to) {
          return fields.size();
        }
        if (b[i] != ',') {
          return -1;
        }
        i++;
      } else {
        int start = i;
        while (i < to && b[i] != ',') {
          if (b[i] == '"') {
            return -1;
          }
          i++;
        }
        fields.add(new int[] {start, i, 0});
        if (i == to) {
          return fields.size();
        }
        i++;
      }
    }
  }
}
