package dev.ballast.engine.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileScannerTest {
  @TempDir Path dir;

  // ---- an independent, deliberately naive model of the chunking contract ----

  /** Chunks by walking whole lines one at a time until a chunk holds at least chunkBytes. */
  static List<FileScanner.Chunk> referenceChunks(byte[] data, long chunkBytes) throws Exception {
    int headerEnd = -1;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        headerEnd = i;
        break;
      }
    }
    List<FileScanner.Chunk> chunks = new ArrayList<>();
    if (headerEnd < 0) {
      return chunks;
    }
    int pos = headerEnd + 1;
    while (pos < data.length) {
      int end = pos;
      do {
        int next = end;
        while (next < data.length && data[next] != '\n') {
          next++;
        }
        end = next < data.length ? next + 1 : data.length;
      } while (end - pos < chunkBytes && end < data.length);
      long line = 1;
      for (int i = 0; i < pos; i++) {
        if (data[i] == '\n') {
          line++;
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(data, pos, end - pos);
      chunks.add(new FileScanner.Chunk(pos, end, line, String.format("%08x", crc.getValue())));
      pos = end;
    }
    return chunks;
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Scans twice, hashing on the reading thread and on a thread of its own; both scans must agree
   * (and leave no hashing thread behind).
   */
  private static FileScanner.Scan scan(Path file, long chunkBytes, int bufferBytes) throws IOException {
    FileScanner.Scan oneThread = new FileScanner(bufferBytes, Long.MAX_VALUE).scan(file, chunkBytes, n -> {});
    FileScanner.Scan twoThreads = new FileScanner(bufferBytes, 0).scan(file, chunkBytes, n -> {});
    assertEquals(oneThread, twoThreads);
    assertTrue(
        Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("ballast-plan-sha256")),
        "a hashing thread outlived its scan");
    return twoThreads;
  }

  private static List<String> texts(byte[] data, List<FileScanner.Chunk> chunks) {
    List<String> out = new ArrayList<>();
    for (FileScanner.Chunk c : chunks) {
      out.add(new String(data, (int) c.start(), (int) (c.end() - c.start()), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void assertMatchesReference(byte[] data, FileScanner.Scan scan, long chunkBytes)
      throws Exception {
    assertEquals(referenceChunks(data, chunkBytes), scan.chunks());
    assertEquals(data.length, scan.bytes());
    assertEquals(sha256(data), scan.sha256());
    // The chunks, concatenated, are the file without its header line.
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (FileScanner.Chunk c : scan.chunks()) {
      joined.write(data, (int) c.start(), (int) (c.end() - c.start()));
    }
    int afterHeader = 0;
    while (afterHeader < data.length && data[afterHeader] != '\n') {
      afterHeader++;
    }
    byte[] body =
        afterHeader < data.length ? Arrays.copyOfRange(data, afterHeader + 1, data.length) : new byte[0];
    assertArrayEquals(body, joined.toByteArray());
  }

  // ---- fixed cases ----

  @Test
  void lfLinesChunkAtLineBoundaries() throws Exception {
    String text = "id,amount\n1,10\n2,20\n3,30\n4,40\n";
    Path file = write("lf.csv", text);
    FileScanner.Scan scan = scan(file, 8, 1 << 20);
    // each data line is 5 bytes: a chunk of >= 8 bytes holds two lines
    assertEquals(List.of("1,10\n2,20\n", "3,30\n4,40\n"), texts(text.getBytes(StandardCharsets.UTF_8), scan.chunks()));
    assertEquals(List.of(2L, 4L), scan.chunks().stream().map(FileScanner.Chunk::firstLine).toList());
    assertEquals(5, scan.lines());
    assertMatchesReference(text.getBytes(StandardCharsets.UTF_8), scan, 8);
  }

  @Test
  void crlfChunksEndAfterTheLf() throws Exception {
    String text = "id,amount\r\n1,10\r\n2,20\r\n3,30\r\n";
    Path file = write("crlf.csv", text);
    FileScanner.Scan scan = scan(file, 1, 4);
    assertEquals(List.of("1,10\r\n", "2,20\r\n", "3,30\r\n"), texts(text.getBytes(StandardCharsets.UTF_8), scan.chunks()));
    assertEquals(List.of(2L, 3L, 4L), scan.chunks().stream().map(FileScanner.Chunk::firstLine).toList());
    assertMatchesReference(text.getBytes(StandardCharsets.UTF_8), scan, 1);
  }

  @Test
  void lastLineWithoutLfEndsTheLastChunkAtEof() throws Exception {
    String text = "id,amount\n1,10\n2,20\n3,30";
    Path file = write("nolf.csv", text);
    FileScanner.Scan scan = scan(file, 6, 3);
    assertEquals(List.of("1,10\n2,20\n", "3,30"), texts(text.getBytes(StandardCharsets.UTF_8), scan.chunks()));
    assertEquals(text.length(), scan.chunks().get(1).end());
    assertMatchesReference(text.getBytes(StandardCharsets.UTF_8), scan, 6);
  }

  @Test
  void bomIsPartOfTheHeaderLine() throws Exception {
    byte[] data = ("\uFEFFid,amount\n1,10\n2,20\n").getBytes(StandardCharsets.UTF_8);
    Path file = write("bom.csv", data);
    FileScanner.Scan scan = scan(file, 1, 1 << 20);
    assertEquals(3 + "id,amount\n".length(), scan.chunks().get(0).start());
    assertEquals(List.of("1,10\n", "2,20\n"), texts(data, scan.chunks()));
    assertEquals("id,amount", FileScanner.readHeaderLine(file, 1024));
    assertMatchesReference(data, scan, 1);
  }

  @Test
  void blankLinesCountForFirstLine() throws Exception {
    String text = "h,amount\n\na\n\n\nb\n";
    Path file = write("blank.csv", text);
    FileScanner.Scan scan = scan(file, 1, 2);
    assertEquals(List.of("\n", "a\n", "\n", "\n", "b\n"), texts(text.getBytes(StandardCharsets.UTF_8), scan.chunks()));
    assertEquals(List.of(2L, 3L, 4L, 5L, 6L), scan.chunks().stream().map(FileScanner.Chunk::firstLine).toList());
    FileScanner.Scan two = scan(file, 3, 5);
    // "\na\n" is 3 bytes; then "\n\nb\n" is 4 bytes (no LF at or after offset start+2 before "b\n")
    assertEquals(List.of("\na\n", "\n\nb\n"), texts(text.getBytes(StandardCharsets.UTF_8), two.chunks()));
    assertEquals(List.of(2L, 4L), two.chunks().stream().map(FileScanner.Chunk::firstLine).toList());
  }

  @Test
  void chunkBytesOneGivesEveryLineItsOwnChunk() throws Exception {
    StringBuilder sb = new StringBuilder("id,amount\n");
    for (int i = 0; i < 50; i++) {
      sb.append(i).append(",").append("x".repeat(i % 7)).append('\n');
    }
    byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
    FileScanner.Scan scan = scan(write("ones.csv", data), 1, 16);
    assertEquals(50, scan.chunks().size());
    for (int i = 0; i < 50; i++) {
      FileScanner.Chunk c = scan.chunks().get(i);
      assertEquals(i + 2, c.firstLine());
      assertTrue(texts(data, List.of(c)).get(0).startsWith(i + ","));
    }
    assertMatchesReference(data, scan, 1);
  }

  @Test
  void headerOnlyFilesHaveNoChunks() throws Exception {
    assertTrue(scan(write("h1.csv", "id,amount\n"), 1, 64).chunks().isEmpty());
    assertTrue(scan(write("h2.csv", "id,amount"), 1, 64).chunks().isEmpty());
    FileScanner.Scan empty = scan(write("e.csv", ""), 1, 64);
    assertTrue(empty.chunks().isEmpty());
    assertEquals(sha256(new byte[0]), empty.sha256());
  }

  @Test
  void aLargeChunkSizeGivesOneChunk() throws Exception {
    String text = "id,amount\n1,10\n2,20\n";
    FileScanner.Scan scan = scan(write("one.csv", text), 1 << 20, 7);
    assertEquals(1, scan.chunks().size());
    assertEquals(new FileScanner.Chunk(10, text.length(), 2, scan.chunks().get(0).crc32c()), scan.chunks().get(0));
    assertMatchesReference(text.getBytes(StandardCharsets.UTF_8), scan, 1 << 20);
  }

  @Test
  void reportsEveryByteRead() throws Exception {
    byte[] data = new byte[10_000];
    Arrays.fill(data, (byte) 'a');
    data[5] = '\n';
    Path file = write("p.csv", data);
    for (long hashOnOwnThreadFrom : new long[] {0, Long.MAX_VALUE}) {
      AtomicLong seen = new AtomicLong();
      new FileScanner(1000, hashOnOwnThreadFrom).scan(file, 100, seen::addAndGet);
      assertEquals(10_000, seen.get());
    }
  }

  /** Random files, chunk sizes and buffer sizes, against the naive model. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 8, 9, 64, 1 << 20})
  void randomFilesMatchTheReference(int bufferBytes) throws Exception {
    Random random = new Random(4242 + bufferBytes);
    for (int round = 0; round < 40; round++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (random.nextBoolean()) {
        out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      out.write("id,amount".getBytes(StandardCharsets.UTF_8));
      int lines = random.nextInt(60);
      for (int l = 0; l <= lines; l++) {
        out.write(random.nextInt(4) == 0 ? "\r\n".getBytes(StandardCharsets.UTF_8) : new byte[] {'\n'});
        if (l == lines && random.nextBoolean()) {
          break; // sometimes the file ends with its LF, sometimes with a last line lacking one
        }
        int len = random.nextInt(5) == 0 ? 0 : random.nextInt(40);
        for (int i = 0; i < len; i++) {
          out.write(random.nextInt(5) == 0 ? 0x80 + random.nextInt(128) : 'a' + random.nextInt(26));
        }
      }
      byte[] data = out.toByteArray();
      long chunkBytes = 1 + random.nextInt(random.nextBoolean() ? 10 : 300);
      Path file = write("r" + round + ".csv", data);
      assertMatchesReference(data, scan(file, chunkBytes, bufferBytes), chunkBytes);
    }
  }

  @Test
  void swarHelpersAgreeWithAPlainLoop() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      byte[] a = new byte[random.nextInt(70)];
      for (int i = 0; i < a.length; i++) {
        int pick = random.nextInt(6);
        a[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x8A : pick == 2 ? 0x0B : random.nextInt(256));
      }
      int from = a.length == 0 ? 0 : random.nextInt(a.length);
      int to = from + (a.length == from ? 0 : random.nextInt(a.length - from + 1));
      long count = 0;
      int first = -1;
      for (int i = from; i < to; i++) {
        if (a[i] == '\n') {
          count++;
          if (first < 0) {
            first = i;
          }
        }
      }
      assertEquals(count, FileScanner.countLf(a, from, to));
      assertEquals(first, FileScanner.indexOfLf(a, from, to));
    }
  }

  @Test
  void headerLineDecoding() throws Exception {
    assertEquals("a,b", FileScanner.readHeaderLine(write("c.csv", "a,b\r\nx\n"), 100));
    assertEquals("a,b", FileScanner.readHeaderLine(write("n.csv", "a,b"), 100));
    assertEquals("ä,b", FileScanner.readHeaderLine(write("u.csv", "\uFEFFä,b\n"), 100));
    assertEquals("", FileScanner.readHeaderLine(write("blank.csv", "\nx\n"), 100));
    assertNull(FileScanner.readHeaderLine(write("e.csv", ""), 100));
    assertEquals("0123456789", FileScanner.readHeaderLine(write("exact.csv", "0123456789"), 10));
    assertThrows(IllegalArgumentException.class, () -> FileScanner.readHeaderLine(write("long.csv", "01234567890\n"), 10));
  }

  @Test
  void headerLinesLongerThanTheFirstReadAreReadWhole() throws Exception {
    int step = FileScanner.HEADER_READ_BYTES;
    for (int length : new int[] {step - 1, step, step + 1, 3 * step + 5}) {
      String header = "h".repeat(length - 2) + ",ä"; // ä is two bytes: the line is length + 1 bytes
      String rows = "\n" + "1,2\n".repeat(3 * step);
      assertEquals(header, FileScanner.readHeaderLine(write("h" + length + ".csv", header + rows), 1 << 20), "length " + length);
      assertEquals(header, FileScanner.readHeaderLine(write("crlf" + length + ".csv", header + "\r" + rows), 1 << 20));
      assertEquals(header, FileScanner.readHeaderLine(write("only" + length + ".csv", header), 1 << 20));
    }
    // The limit applies to the bytes of the line, wherever the reads stop.
    String exact = "x".repeat(2 * step + 3);
    assertEquals(exact, FileScanner.readHeaderLine(write("exact-long.csv", exact + "\nrow\n"), exact.length()));
    assertEquals(exact, FileScanner.readHeaderLine(write("exact-eof.csv", exact), exact.length()));
    assertThrows(
        IllegalArgumentException.class,
        () -> FileScanner.readHeaderLine(write("over.csv", exact + "\nrow\n"), exact.length() - 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> FileScanner.readHeaderLine(write("over-eof.csv", exact), exact.length() - 1));
  }
}
