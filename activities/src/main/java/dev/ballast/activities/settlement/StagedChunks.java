package dev.ballast.activities.settlement;

import dev.ballast.activities.files.Fingerprints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.activities.files.AtomicFiles;
import dev.ballast.activities.stage.SegmentChain;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The staged results of settlement chunks, in the job's {@code chunks/} staging directory. Every
 * file is written whole with {@link AtomicFiles}, so a retry replaces instead of appending.
 *
 * <pre>
 * chunk-000042.seg-0003.agg             segment 3 of chunk 42: header + partial totals (binary)
 * chunk-000042.seg-0003.rejects.jsonl   that segment's lines of rejects.jsonl
 * chunk-000042.summary.json             the finished chunk: counts, segments with sizes and SHA-256
 * </pre>
 *
 * <p>A segment file ({@code .agg}) is a {@link DataOutputStream}: magic {@code BSG1}; the
 * segment's start and end offsets, first line and next line; its rows, accepted, pending and
 * rejected counts; the size and SHA-256 (hex) of its rejects file; the totals (see {@link
 * Aggregates#writeTo}); the magic again. It describes itself, so a resumed attempt can check the
 * segments before its checkpoint without the summary.
 */
public final class StagedChunks {
  private static final int MAGIC = 0x42534731;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private StagedChunks() {}

  /** The header of one staged segment. */
  public record SegmentHeader(
      long start, long end, long firstLine, long nextLine, Counts counts, long rejectsBytes,
      String rejectsSha256) {}

  /**
   * One segment as listed in a chunk summary.
   *
   * @param firstLine physical line number of the segment's first line
   * @param nextLine physical line number of the line after it
   * @param aggBytes size of the segment's {@code .agg} file
   * @param aggSha256 its SHA-256, lower-case hex
   * @param rejectsBytes size of its rejects file
   * @param rejectsSha256 SHA-256 of its rejects file
   */
  public record SegmentInfo(
      int index, long start, long end, long firstLine, long nextLine, Counts counts, long aggBytes,
      String aggSha256, long rejectsBytes, String rejectsSha256)
      implements SegmentChain.Staged {}

  /**
   * A finished chunk's summary ({@code chunk-N.summary.json}).
   *
   * @param ratesSha256 hash of the rate table the chunk was processed with
   * @param crc32c the chunk's CRC-32C, verified while processing
   */
  public record ChunkSummary(
      int version, int index, String fileName, long start, long end, long firstLine, String crc32c,
      String ratesSha256, Counts counts, List<SegmentInfo> segments) {}

  public static Path aggFile(Path chunksDir, int chunk, int segment) {
    return chunksDir.resolve(String.format("chunk-%06d.seg-%04d.agg", chunk, segment));
  }

  public static Path rejectsFile(Path chunksDir, int chunk, int segment) {
    return chunksDir.resolve(String.format("chunk-%06d.seg-%04d.rejects.jsonl", chunk, segment));
  }

  public static Path summaryFile(Path chunksDir, int chunk) {
    return chunksDir.resolve(String.format("chunk-%06d.summary.json", chunk));
  }

  /** Writes a segment's rejects file, then its {@code .agg} file. */
  public static void writeSegment(
      Path chunksDir, int chunk, int segment, long start, long end, long firstLine, long nextLine,
      SettlementRows.Segment result) throws IOException {
    byte[] rejects = result.rejects();
    AtomicFiles.write(rejectsFile(chunksDir, chunk, segment), rejects);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeLong(start);
    out.writeLong(end);
    out.writeLong(firstLine);
    out.writeLong(nextLine);
    Counts c = result.counts();
    out.writeLong(c.rows());
    out.writeLong(c.accepted());
    out.writeLong(c.pending());
    out.writeLong(c.rejected());
    out.writeLong(rejects.length);
    out.writeUTF(Fingerprints.sha256(rejects));
    result.aggregates().writeTo(out);
    out.writeInt(MAGIC);
    out.flush();
    AtomicFiles.write(aggFile(chunksDir, chunk, segment), bytes.toByteArray());
  }

  /**
   * Reads a segment's {@code .agg} bytes, adding its totals to {@code into} (may be null).
   *
   * @throws IOException when the bytes are not a well-formed segment
   */
  public static SegmentHeader readSegment(byte[] agg, Aggregates into) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(agg);
    try {
      if (in.getInt() != MAGIC) {
        throw new IOException("not a staged segment");
      }
      long start = in.getLong();
      long end = in.getLong();
      long firstLine = in.getLong();
      long nextLine = in.getLong();
      Counts counts = new Counts(in.getLong(), in.getLong(), in.getLong(), in.getLong());
      long rejectsBytes = in.getLong();
      String rejectsSha = readUtf(in);
      Aggregates totals = into == null ? new Aggregates() : into;
      totals.readFrom(in);
      if (in.getInt() != MAGIC || in.hasRemaining()) {
        throw new IOException("staged segment has a bad trailer");
      }
      return new SegmentHeader(start, end, firstLine, nextLine, counts, rejectsBytes, rejectsSha);
    } catch (BufferUnderflowException e) {
      throw new IOException("truncated staged segment", e);
    }
  }

  /** Reads a string written by {@link DataOutputStream#writeUTF}. */
  private static String readUtf(ByteBuffer in) throws IOException {
    int len = in.getShort() & 0xffff;
    if (len > in.remaining()) {
      throw new IOException("truncated staged segment");
    }
    byte[] a = in.array();
    int at = in.arrayOffset() + in.position();
    boolean ascii = true;
    for (int i = at; i < at + len && ascii; i++) {
      ascii = a[i] > 0;
    }
    String s =
        ascii
            ? new String(a, at, len, StandardCharsets.US_ASCII)
            : new DataInputStream(new ByteArrayInputStream(a, at - 2, len + 2)).readUTF();
    in.position(in.position() + len);
    return s;
  }

  /**
   * Checks segment {@code segment} of a chunk on disk: its {@code .agg} file parses and its
   * rejects file matches the size and SHA-256 recorded in it.
   *
   * @return its summary entry, or null when a file is missing or does not verify
   */
  public static SegmentInfo verifySegment(Path chunksDir, int chunk, int segment) throws IOException {
    byte[] agg;
    byte[] rejects;
    try {
      agg = Files.readAllBytes(aggFile(chunksDir, chunk, segment));
      rejects = Files.readAllBytes(rejectsFile(chunksDir, chunk, segment));
    } catch (NoSuchFileException e) {
      return null;
    }
    SegmentHeader h;
    try {
      h = readSegment(agg, null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (rejects.length != h.rejectsBytes() || !Fingerprints.sha256(rejects).equals(h.rejectsSha256())) {
      return null;
    }
    return new SegmentInfo(
        segment, h.start(), h.end(), h.firstLine(), h.nextLine(), h.counts(), agg.length, Fingerprints.sha256(agg), rejects.length,
        h.rejectsSha256());
  }

  public static void writeSummary(Path chunksDir, ChunkSummary summary) throws IOException {
    AtomicFiles.write(
        summaryFile(chunksDir, summary.index()),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
  }

  /** The chunk's summary, or null when there is none or it cannot be parsed. */
  public static ChunkSummary readSummary(Path chunksDir, int chunk) {
    try {
      return JSON.readValue(summaryFile(chunksDir, chunk).toFile(), ChunkSummary.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether a summary describes {@code ref} processed with the rates of hash {@code ratesSha256}. */
  public static boolean matches(ChunkSummary s, ChunkRef ref, String ratesSha256) {
    return s != null
        && s.version() == 1
        && s.index() == ref.index()
        && s.start() == ref.start()
        && s.end() == ref.end()
        && s.firstLine() == ref.firstLine()
        && ref.crc32c() != null
        && ref.crc32c().equalsIgnoreCase(s.crc32c())
        && ratesSha256.equals(s.ratesSha256())
        && s.counts() != null
        && s.segments() != null;
  }

  /** A hash identifying a rate table (values compared numerically). */
  public static String ratesSha256(Map<String, BigDecimal> rates) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(rates)
        .forEach(
            (k, v) ->
                text.append(k).append('=').append(v.stripTrailingZeros().toPlainString()).append('\n'));
    return Fingerprints.sha256(text.toString().getBytes(StandardCharsets.UTF_8));
  }


}
