package dev.ballast.engine.plan;

import dev.ballast.engine.files.Fingerprints;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Reads an input file once and computes, in the same pass, its SHA-256 and its chunks: byte ranges
 * of whole lines of about {@code chunkBytes} each, with the CRC-32C of each range and the physical
 * line number it starts at.
 *
 * <p>The first chunk starts just after the header line's LF. A chunk ends just after the first LF
 * at or after {@code start + chunkBytes - 1}, or at the end of the file (whose last line may lack
 * an LF). Every LF counts as a line end, blank lines included, so {@code firstLine} is the line
 * number an editor shows. A file holding only a header has no chunks.
 *
 * <p>The bytes are scanned eight at a time (SWAR) to count and find line feeds; the digests take
 * whole buffers, the SHA-256 of a large file on a thread of its own. Instances are immutable and
 * thread-safe; each call allocates its own buffers.
 */
public final class FileScanner {
  /** Default read buffer: 1 MiB. */
  public static final int DEFAULT_BUFFER_BYTES = 1 << 20;

  private static final byte LF = '\n';
  private static final long LF_X8 = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW7_X8 = 0x7F7F7F7F7F7F7F7FL;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Default size from which a file's SHA-256 is computed on a second thread ({@link
   * HashingReader}): 8 MiB, where the thread's cost is well below what it saves (a 350 MB file is
   * planned in ~0.25 s instead of ~0.45 s on two cores); many small files are scanned on one.
   */
  public static final long DEFAULT_HASH_ON_OWN_THREAD_FROM = 8L << 20;

  private final int bufferBytes;
  private final long hashOnOwnThreadFrom;

  public FileScanner() {
    this(DEFAULT_BUFFER_BYTES, DEFAULT_HASH_ON_OWN_THREAD_FROM);
  }

  /** A scanner reading {@code bufferBytes} at a time (small values are for tests). */
  public FileScanner(int bufferBytes) {
    this(bufferBytes, DEFAULT_HASH_ON_OWN_THREAD_FROM);
  }

  /**
   * A scanner reading {@code bufferBytes} at a time that hashes files of at least {@code
   * hashOnOwnThreadFrom} bytes on a second thread (0: every file).
   */
  public FileScanner(int bufferBytes, long hashOnOwnThreadFrom) {
    if (bufferBytes < 1) {
      throw new IllegalArgumentException("bufferBytes must be at least 1");
    }
    if (hashOnOwnThreadFrom < 0) {
      throw new IllegalArgumentException("hashOnOwnThreadFrom must not be negative");
    }
    this.bufferBytes = bufferBytes;
    this.hashOnOwnThreadFrom = hashOnOwnThreadFrom;
  }

  /**
   * One chunk of a file.
   *
   * @param start offset of its first byte
   * @param end offset just past its last byte
   * @param firstLine physical line number of its first line (the header is line 1)
   * @param crc32c CRC-32C of its bytes, eight lower-case hex digits
   */
  public record Chunk(long start, long end, long firstLine, String crc32c) {}

  /**
   * What a scan found.
   *
   * @param bytes bytes read, the file's size
   * @param sha256 SHA-256 of the whole file, lower-case hex
   * @param lines line feeds in the file
   * @param chunks the chunks, in offset order
   */
  public record Scan(long bytes, String sha256, long lines, List<Chunk> chunks) {}

  /**
   * Scans {@code file}.
   *
   * @param chunkBytes target chunk size, at least 1
   * @param onRead told the number of bytes of each buffer read, for progress reports
   */
  public Scan scan(Path file, long chunkBytes, LongConsumer onRead) throws IOException {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be at least 1");
    }
    Chunker chunker = new Chunker(chunkBytes);
    String sha256;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() >= hashOnOwnThreadFrom) {
        try (HashingReader reader = new HashingReader(channel, bufferBytes)) {
          ByteBuffer buffer;
          while ((buffer = reader.next()) != null) {
            chunker.accept(buffer.array(), buffer.limit());
            onRead.accept(buffer.limit());
          }
          sha256 = reader.sha256();
        }
      } else {
        MessageDigest sha = Fingerprints.sha256Digest();
        // A small file gets a small buffer: a plan over thousands of small inputs would otherwise
        // allocate and zero a whole buffer per file. Its size is a hint: a file that grows is
        // still read to its end, a buffer at a time.
        ByteBuffer buffer =
            ByteBuffer.allocate((int) Math.min(bufferBytes, Math.max(4096, channel.size() + 1)));
        byte[] a = buffer.array();
        int n;
        while ((n = channel.read(buffer.clear())) >= 0) {
          if (n > 0) {
            sha.update(a, 0, n);
            chunker.accept(a, n);
            onRead.accept(n);
          }
        }
        sha256 = Fingerprints.hex(sha.digest());
      }
    }
    return new Scan(chunker.base, sha256, chunker.lineFeeds, chunker.finish());
  }

  /** Cuts the file into chunks as its buffers go by, counting line feeds and each chunk's CRC-32C. */
  private static final class Chunker {
    private final long chunkBytes;
    private final CRC32C crc = new CRC32C();
    private final List<Chunk> chunks = new ArrayList<>();
    private boolean inHeader = true;
    private long lineFeeds; // LFs before the current position
    private long chunkStart = -1;
    private long chunkFirstLine;
    private long target; // offset of the first byte at which an LF may end the chunk
    private long base; // file offset of the next buffer's first byte

    Chunker(long chunkBytes) {
      this.chunkBytes = chunkBytes;
    }

    /** The next {@code n} bytes of the file, in {@code a[0, n)}. */
    void accept(byte[] a, int n) {
      int i = 0;
      while (i < n) {
        if (inHeader) {
          int lf = indexOfLf(a, i, n);
          if (lf < 0) {
            i = n;
            continue;
          }
          inHeader = false;
          lineFeeds++;
          i = lf + 1;
          chunkStart = base + i;
          chunkFirstLine = lineFeeds + 1;
          target = chunkStart + chunkBytes - 1;
          crc.reset();
          continue;
        }
        long targetIndex = target - base;
        if (targetIndex > i) {
          // Bulk part of the chunk: no LF here can end it, only count them.
          int to = (int) Math.min(n, targetIndex);
          lineFeeds += countLf(a, i, to);
          crc.update(a, i, to - i);
          i = to;
          continue;
        }
        int lf = indexOfLf(a, i, n);
        if (lf < 0) {
          crc.update(a, i, n - i);
          i = n;
          continue;
        }
        crc.update(a, i, lf + 1 - i);
        lineFeeds++;
        long end = base + lf + 1;
        chunks.add(new Chunk(chunkStart, end, chunkFirstLine, Fingerprints.crc32cHex(crc.getValue())));
        i = lf + 1;
        chunkStart = end;
        chunkFirstLine = lineFeeds + 1;
        target = chunkStart + chunkBytes - 1;
        crc.reset();
      }
      base += n;
    }

    /** The chunks, the last one ending at the end of the file. */
    List<Chunk> finish() {
      if (!inHeader && chunkStart < base) {
        chunks.add(new Chunk(chunkStart, base, chunkFirstLine, Fingerprints.crc32cHex(crc.getValue())));
      }
      return List.copyOf(chunks);
    }
  }

  /** How many bytes {@link #readHeaderLine} reads first; it reads more only for a longer line. */
  static final int HEADER_READ_BYTES = 8192;

  /**
   * The header line of {@code file}: line 1, decoded as UTF-8, without a byte-order mark and
   * without its LF or CRLF. Reads the file only as far as its first LF (in steps from {@link
   * #HEADER_READ_BYTES}, doubling), never more than {@code maxBytes + 1} bytes: every chunk of a
   * job reads its file's header, so a chunk of a few rows must not pay for a megabyte.
   *
   * @return the header, or null when the file is empty
   * @throws IllegalArgumentException when the first line is longer than {@code maxBytes}
   */
  public static String readHeaderLine(Path file, int maxBytes) throws IOException {
    int limit = maxBytes + 1;
    byte[] a = new byte[Math.min(limit, HEADER_READ_BYTES)];
    int n = 0;
    int lf = -1;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (lf < 0) {
        if (n == a.length) {
          if (n == limit) {
            break;
          }
          a = Arrays.copyOf(a, (int) Math.min(limit, 2L * a.length));
        }
        int read = channel.read(ByteBuffer.wrap(a, n, a.length - n));
        if (read < 0) {
          break;
        }
        lf = indexOfLf(a, n, n + read);
        n += read;
      }
    }
    if (n == 0) {
      return null;
    }
    int end;
    if (lf >= 0) {
      end = lf;
    } else if (n <= maxBytes) {
      end = n; // the whole file is one line without LF
    } else {
      throw new IllegalArgumentException(
          file.getFileName() + ": the header line is longer than " + maxBytes + " bytes");
    }
    if (end > 0 && a[end - 1] == '\r') {
      end--;
    }
    int start = 0;
    if (end >= 3 && (a[0] & 0xFF) == 0xEF && (a[1] & 0xFF) == 0xBB && (a[2] & 0xFF) == 0xBF) {
      start = 3;
    }
    return new String(a, start, end - start, StandardCharsets.UTF_8);
  }

  /** Number of LF bytes in {@code a[from, to)}. */
  static long countLf(byte[] a, int from, int to) {
    long count = 0;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      count += Long.bitCount(zeroBytes((long) LONGS.get(a, i) ^ LF_X8));
    }
    for (; i < to; i++) {
      if (a[i] == LF) {
        count++;
      }
    }
    return count;
  }

  /** Index of the first LF in {@code a[from, to)}, or -1. */
  static int indexOfLf(byte[] a, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long zeros = zeroBytes((long) LONGS.get(a, i) ^ LF_X8);
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == LF) {
        return i;
      }
    }
    return -1;
  }

  /** The high bit of each byte of the result is set exactly where {@code v} has a zero byte. */
  private static long zeroBytes(long v) {
    long t = (v & LOW7_X8) + LOW7_X8;
    return ~(t | v | LOW7_X8);
  }
}
