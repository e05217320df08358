package dev.ballast.job.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.job.Cursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line reader (which looks for LF eight bytes at a time) against a plain split: LF and CR LF
 * endings, lone CRs, blank lines, non-ASCII bytes, long lines, a last line without LF, and ranges
 * that start and end at random line starts.
 */
class LineSourceTest {
  private static final byte[] ALPHABET = {'\n', '\n', '\r', 'a', ',', '"', (byte) 0x8A, (byte) 0xFF, (byte) 0xC3, (byte) 0xA9};

  @TempDir Path dir;

  @Test
  void randomFilesReadLikeAPlainSplit() throws IOException {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int round = 0; round < 300; round++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int size = rnd.nextInt(4) == 0 ? rnd.nextInt(20_000) : rnd.nextInt(200);
      for (int i = 0; i < size; i++) {
        if (rnd.nextInt(2000) == 0) {
          // a line longer than the smallest buffer
          byte[] run = new byte[5000 + rnd.nextInt(5000)];
          Arrays.fill(run, (byte) 'x');
          out.writeBytes(run);
        }
        out.write(ALPHABET[rnd.nextInt(ALPHABET.length)]);
      }
      byte[] bytes = out.toByteArray();
      Path file = dir.resolve("in" + round);
      Files.write(file, bytes);
      List<Long> starts = lineStarts(bytes);
      int first = rnd.nextInt(starts.size());
      int last = first + rnd.nextInt(starts.size() - first);
      long from = starts.get(first);
      long end = last == starts.size() - 1 ? bytes.length : starts.get(last + 1);
      if (rnd.nextBoolean()) {
        from = 0;
        first = 0;
        end = bytes.length;
      }
      List<String> expected = model(bytes, from, end, first + 1);
      List<String> actual = new ArrayList<>();
      Recorder seen = new Recorder();
      try (LineSource source = LineSource.open(file, new Cursor(from, first + 1), end)) {
        assertTrue(source.feedChecksum(seen));
        Line line;
        while ((line = source.next()) != null) {
          actual.add(line.line() + ":" + Arrays.toString(Arrays.copyOfRange(line.bytes(), line.start(), line.end())));
        }
        assertNull(source.next());
        assertEquals(end, source.offset(), "round " + round);
      }
      assertEquals(expected, actual, "round " + round);
      // What the engine checks the chunk's CRC-32C with: every byte of the range, in order, once.
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) from, (int) end), seen.bytes.toByteArray(), "round " + round);
    }
  }

  @Test
  void csvSourcePassesItsBytesOn() throws IOException {
    byte[] bytes = "id,name\n1,\"a,b\"\n\n2,c\r\n3,d".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path file = dir.resolve("rows.csv");
    Files.write(file, bytes);
    Recorder seen = new Recorder();
    int rows = 0;
    try (CsvSource source = CsvSource.open(file, new Cursor(8, 2), bytes.length, "id,name")) {
      assertTrue(source.feedChecksum(seen));
      while (source.next() != null) {
        rows++;
      }
    }
    assertEquals(3, rows);
    assertArrayEquals(Arrays.copyOfRange(bytes, 8, bytes.length), seen.bytes.toByteArray());
  }

  @Test
  void shortLinesAndEndings() throws IOException {
    String[] texts = {"", "\n", "\r\n", "\r", "a", "a\n", "a\r\n", "a\r", "\r\r\n", "a\n\nb", "ab\r\ncd\r", "x\n".repeat(20) + "y"};
    int k = 0;
    for (String text : texts) {
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      Path file = dir.resolve("t" + k++);
      Files.write(file, bytes);
      List<String> actual = new ArrayList<>();
      try (LineSource source = LineSource.open(file, new Cursor(0, 1), bytes.length)) {
        Line line;
        while ((line = source.next()) != null) {
          actual.add(line.line() + ":" + Arrays.toString(Arrays.copyOfRange(line.bytes(), line.start(), line.end())));
        }
      }
      assertEquals(model(bytes, 0, bytes.length, 1), actual, text);
    }
  }

  private static List<Long> lineStarts(byte[] b) {
    List<Long> starts = new ArrayList<>();
    starts.add(0L);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n' && i + 1 < b.length) {
        starts.add((long) i + 1);
      }
    }
    return starts;
  }

  /** Non-blank lines of {@code b[from, end)} as "number:bytes", a CR before LF removed. */
  private static List<String> model(byte[] b, long from, long end, long firstLine) {
    List<String> lines = new ArrayList<>();
    long number = firstLine;
    int start = (int) from;
    for (int i = (int) from; i <= end; i++) {
      boolean lf = i < end && b[i] == '\n';
      if (!lf && i < end) {
        continue;
      }
      if (!lf && start == end) {
        break;
      }
      int stop = lf && i > start && b[i - 1] == '\r' ? i - 1 : i;
      if (stop > start) {
        lines.add(number + ":" + Arrays.toString(Arrays.copyOfRange(b, start, stop)));
      }
      number++;
      start = i + 1;
    }
    return lines;
  }

  /** A checksum that keeps the bytes it is given. */
  private static final class Recorder implements Checksum {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void update(int b) {
      bytes.write(b);
    }

    @Override
    public void update(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    @Override
    public long getValue() {
      return bytes.size();
    }

    @Override
    public void reset() {
      bytes.reset();
    }
  }
}
