package dev.ballast.engine.stage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.files.AtomicFiles;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.job.Accumulator;
import dev.ballast.job.Segment;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The staged results of a job's chunks, in the job's {@code chunks/} directory, each
 * file written whole with {@link AtomicFiles} so a retry replaces instead of appending:
 *
 * <pre>
 * chunk-000042.seg-0003.acc             segment 3 of chunk 42: header + staged accumulator
 * chunk-000042.seg-0003.rejects.jsonl   that segment's lines of rejects.jsonl
 * chunk-000042.records.json             the finished chunk: counts, segments with sizes and SHA-256
 * </pre>
 *
 * <p>An {@code .acc} file is a {@link DataOutputStream}: magic {@code BRC1}; the segment's start
 * and end offsets, first and next line; its rows, accepted, skipped and rejected counts; the size
 * and SHA-256 of its rejects file; the accumulator's length and bytes; the magic again.
 */
public final class StagedRecords {
  /** Each thread's buffer for {@link #writeRejectLine}, grown as needed. */
  private static final ThreadLocal<byte[]> REJECT_BUFFER = ThreadLocal.withInitial(() -> new byte[512]);

  /** The largest buffer {@link #REJECT_BUFFER} keeps between calls. */
  private static final int KEPT_REJECT_BUFFER_BYTES = 1 << 20;

  private static final int MAGIC = 0x42524331;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private StagedRecords() {}

  /** A staged segment as read back: its header and its accumulator's bytes. */
  public record SegmentFile(
      long start, long end, long firstLine, long nextLine, Counts counts, long rejectsBytes,
      String rejectsSha256, byte[] accumulator) {}

  /** One segment as listed in a chunk summary. */
  public record SegmentInfo(
      int index, long start, long end, long firstLine, long nextLine, Counts counts, long accBytes,
      String accSha256, long rejectsBytes, String rejectsSha256)
      implements SegmentChain.Staged {}

  /**
   * A finished chunk's summary.
   *
   * @param type the job type that staged it
   * @param parametersSha256 hash of the resolved parameters it was processed with
   */
  public record ChunkSummary(
      int version, String type, int index, String fileName, long start, long end, long firstLine,
      String crc32c, String parametersSha256, Counts counts, List<SegmentInfo> segments) {}

  public static Path accFile(Path chunksDir, int chunk, int segment) {
    return chunksDir.resolve("chunk-" + zeroPadded(chunk, 6) + ".seg-" + zeroPadded(segment, 4) + ".acc");
  }

  public static Path rejectsFile(Path chunksDir, int chunk, int segment) {
    return chunksDir.resolve(
        "chunk-" + zeroPadded(chunk, 6) + ".seg-" + zeroPadded(segment, 4) + ".rejects.jsonl");
  }

  /** {@code v} as {@code String.format("%0<width>d")} writes it, without a Formatter per file. */
  static String zeroPadded(int v, int width) {
    if (v < 0) {
      return String.format("%0" + width + "d", v);
    }
    String digits = Integer.toString(v);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  public static Path summaryFile(Path chunksDir, int chunk) {
    return chunksDir.resolve("chunk-" + zeroPadded(chunk, 6) + ".records.json");
  }

  /**
   * Writes a segment's rejects, then its {@code .acc} file; returns the segment as {@link
   * #verifySegment} would read it back.
   */
  public static SegmentInfo writeSegment(
      Path chunksDir, Segment segment, long firstLine, long nextLine, Counts counts,
      byte[] rejects, Accumulator<?> accumulator) throws IOException {
    AtomicFiles.write(rejectsFile(chunksDir, segment.chunkIndex(), segment.index()), rejects);
    String rejectsSha = Fingerprints.sha256(rejects);
    Buffer bytes = new Buffer(4096);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeLong(segment.start());
    out.writeLong(segment.end());
    out.writeLong(firstLine);
    out.writeLong(nextLine);
    out.writeLong(counts.rows());
    out.writeLong(counts.accepted());
    out.writeLong(counts.skipped());
    out.writeLong(counts.rejected());
    out.writeLong(rejects.length);
    out.writeUTF(rejectsSha);
    int lengthAt = bytes.size();
    out.writeInt(0); // the accumulator's length, set below
    accumulator.writeTo(out);
    out.flush();
    bytes.putInt(lengthAt, bytes.size() - lengthAt - 4);
    out.writeInt(MAGIC);
    out.flush();
    AtomicFiles.write(accFile(chunksDir, segment.chunkIndex(), segment.index()), bytes::writeTo);
    return new SegmentInfo(
        segment.index(), segment.start(), segment.end(), firstLine, nextLine, counts, bytes.size(),
        bytes.sha256(), rejects.length, rejectsSha);
  }

  /** A byte buffer whose bytes can be patched in place (the accumulator's length, once known). */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    String sha256() {
      return Fingerprints.sha256(buf, 0, count);
    }

    void putInt(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }
  }

  /** Parses an {@code .acc} file's bytes. */
  public static SegmentFile parse(byte[] acc) throws IOException {
    BytesInput in = new BytesInput(acc);
    if (in.readInt() != MAGIC) {
      throw new IOException("not a staged record segment");
    }
    long start = in.readLong();
    long end = in.readLong();
    long firstLine = in.readLong();
    long nextLine = in.readLong();
    Counts counts = new Counts(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    long rejectsBytes = in.readLong();
    String rejectsSha = in.readUTF();
    int len = in.readInt();
    if (len < 0 || len > in.remaining()) {
      throw new IOException("staged segment has a bad accumulator length");
    }
    byte[] accumulator = new byte[len];
    in.readFully(accumulator);
    if (in.remaining() != 4 || in.readInt() != MAGIC) {
      throw new IOException("staged segment has a bad trailer");
    }
    return new SegmentFile(start, end, firstLine, nextLine, counts, rejectsBytes, rejectsSha, accumulator);
  }

  /** Segment {@code segment} of a chunk if both its files exist and verify, else null. */
  public static SegmentInfo verifySegment(Path chunksDir, int chunk, int segment) throws IOException {
    Path accFile = accFile(chunksDir, chunk, segment);
    if (isMissing(accFile)) {
      return null;
    }
    byte[] acc;
    byte[] rejects;
    try {
      acc = Files.readAllBytes(accFile);
      rejects = Files.readAllBytes(rejectsFile(chunksDir, chunk, segment));
    } catch (NoSuchFileException e) {
      return null;
    }
    SegmentFile f;
    try {
      f = parse(acc);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (rejects.length != f.rejectsBytes() || !Fingerprints.sha256(rejects).equals(f.rejectsSha256())) {
      return null;
    }
    return new SegmentInfo(
        segment, f.start(), f.end(), f.firstLine(), f.nextLine(), f.counts(), acc.length, Fingerprints.sha256(acc),
        rejects.length, f.rejectsSha256());
  }

  public static void writeSummary(Path chunksDir, ChunkSummary summary) throws IOException {
    AtomicFiles.write(
        summaryFile(chunksDir, summary.index()),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
  }

  /** The chunk's summary, or null when there is none or it cannot be parsed. */
  public static ChunkSummary readSummary(Path chunksDir, int chunk) {
    Path file = summaryFile(chunksDir, chunk);
    if (isMissing(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), ChunkSummary.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether {@code file} is not there: asked before reading what a chunk's first attempt never
   * finds, so that the common case costs a {@code stat}, not an exception (a file that goes
   * missing between the two still reads as missing).
   */
  private static boolean isMissing(Path file) {
    return !file.toFile().exists();
  }

  /** Whether a summary describes {@code ref} processed by {@code type} with these parameters. */
  public static boolean matches(ChunkSummary s, ChunkRef ref, String type, String parametersSha256) {
    return s != null
        && s.version() == 1
        && type.equals(s.type())
        && s.index() == ref.index()
        && s.start() == ref.start()
        && s.end() == ref.end()
        && s.firstLine() == ref.firstLine()
        && ref.crc32c() != null
        && ref.crc32c().equalsIgnoreCase(s.crc32c())
        && parametersSha256.equals(s.parametersSha256())
        && s.counts() != null
        && s.segments() != null;
  }

  /** A hash of resolved parameters: SHA-256 of their JSON with keys sorted. */
  public static String parametersSha256(Map<String, Object> parameters) {
    try {
      return Fingerprints.sha256(JSON.writeValueAsBytes(parameters));
    } catch (IOException e) {
      throw new IllegalArgumentException("parameters cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Appends one line of rejects.jsonl, with its LF, to {@code out}: {@code
   * {"file":…,"line":…,"reason":…,"raw":…}}, the strings escaped as Jackson's default writer escapes
   * them, encoded straight into a buffer this thread reuses (no string is built, widened for a
   * character beyond Latin-1, then encoded).
   */
  public static void writeRejectLine(ByteArrayOutputStream out, String file, long line, String reason, String raw) {
    byte[] b = rejectBuffer(JsonText.maxUtf8Bytes(file) + JsonText.maxUtf8Bytes(reason) + JsonText.maxUtf8Bytes(raw));
    int at = rejectLineHead(b, file, line, reason);
    at = JsonText.putUtf8(b, at, raw);
    b[at++] = '}';
    b[at++] = '\n';
    out.write(b, 0, at);
  }

  /**
   * Appends the line {@link #writeRejectLine(ByteArrayOutputStream, String, long, String, String)}
   * appends for the raw text {@code raw[from, to)} decoded as UTF-8, without decoding ASCII text.
   */
  public static void writeRejectLine(
      ByteArrayOutputStream out, String file, long line, String reason, byte[] raw, int from, int to) {
    byte[] b = rejectBuffer(JsonText.maxUtf8Bytes(file) + JsonText.maxUtf8Bytes(reason) + JsonText.maxUtf8Bytes(to - from));
    int at = rejectLineHead(b, file, line, reason);
    at = JsonText.putUtf8(b, at, raw, from, to);
    b[at++] = '}';
    b[at++] = '\n';
    out.write(b, 0, at);
  }

  /** This thread's reject-line buffer, with room for {@code textBytes} and the line's field names. */
  private static byte[] rejectBuffer(int textBytes) {
    int need = textBytes + 64;
    byte[] b = REJECT_BUFFER.get();
    if (b.length < need) {
      b = new byte[Math.max(need, 2 * b.length)];
      if (b.length <= KEPT_REJECT_BUFFER_BYTES) {
        REJECT_BUFFER.set(b); // a huge line's buffer is not kept
      }
    }
    return b;
  }

  /** Writes a reject line up to its raw text ({@code {"file":…,"line":…,"reason":…,"raw":}). */
  private static int rejectLineHead(byte[] b, String file, long line, String reason) {
    int at = putAscii(b, 0, "{\"file\":");
    at = JsonText.putUtf8(b, at, file);
    at = putAscii(b, at, ",\"line\":");
    at = putLong(b, at, line);
    at = putAscii(b, at, ",\"reason\":");
    at = JsonText.putUtf8(b, at, reason);
    return putAscii(b, at, ",\"raw\":");
  }

  /** Writes {@code v} in decimal, as {@link Long#toString(long)} does. */
  private static int putLong(byte[] b, int at, long v) {
    if (v < 0) {
      return putAscii(b, at, Long.toString(v)); // never a line number
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + digits;
  }

  private static int putAscii(byte[] b, int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      b[at++] = (byte) ascii.charAt(i);
    }
    return at;
  }
}
