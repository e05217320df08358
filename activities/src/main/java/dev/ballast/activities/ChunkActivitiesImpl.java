package dev.ballast.activities;

import dev.ballast.activities.files.Fingerprints;
import dev.ballast.activities.files.DataRoots;
import dev.ballast.activities.files.StagingLayout;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.plan.FileScanner;
import dev.ballast.activities.plan.Planner;
import dev.ballast.activities.stage.SegmentChain;
import dev.ballast.activities.settlement.SettlementJobType;
import dev.ballast.activities.stage.RecordChunkRunner;
import dev.ballast.activities.stage.RecordJobType;
import dev.ballast.activities.settlement.SettlementRows;
import dev.ballast.activities.settlement.StagedChunks;
import dev.ballast.activities.settlement.StagedChunks.ChunkSummary;
import dev.ballast.activities.settlement.StagedChunks.SegmentInfo;
import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one chunk (a byte range of an input file) into staged files, checkpointing as it
 * goes.
 *
 * <p>The chunk is read in segments of about {@link #DEFAULT_SEGMENT_BYTES} (a segment ends at the
 * first line end at or after {@code segmentStart + segmentBytes}, so boundaries depend only on
 * where the chunk starts). After each segment its staged files are written (see {@link
 * StagedChunks}) and a {@link ChunkCheckpoint} is heartbeated. A retried attempt resumes at the
 * last checkpoint whose segments still verify (otherwise at the chunk's start), keeps those
 * segments and rewrites the later ones. Once every segment is written and the chunk's CRC-32C
 * matches the plan's, a summary is written; a chunk whose summary exists and verifies is not
 * processed again ({@code reused}).
 *
 * <p>{@code redoneBytes} is a lower bound: the bytes of whole segments that an earlier attempt
 * staged past this attempt's resume point (it wrote them but its checkpoint did not reach the
 * server). Work lost inside an unfinished segment is not known and not counted.
 */
public class ChunkActivitiesImpl implements ChunkActivities {
  /** Default segment size: 1 MiB of input. */
  public static final int DEFAULT_SEGMENT_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(ChunkActivitiesImpl.class);
  private static final int READ_STEP = 64 << 10;

  private final JobTypes jobTypes;
  private final int segmentBytes;
  private DataRoots dataRoots = DataRoots.fromEnv();

  @Inject
  public ChunkActivitiesImpl(JobTypes jobTypes) {
    this(jobTypes, DEFAULT_SEGMENT_BYTES);
  }

  /** An instance checkpointing every {@code segmentBytes} of input (tests use small segments). */
  public ChunkActivitiesImpl(JobTypes jobTypes, int segmentBytes) {
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be > 0");
    }
    this.jobTypes = jobTypes;
    this.segmentBytes = segmentBytes;
  }

  /** Confines this instance to {@code roots} instead of those of {@link DataRoots#ENV}. */
  public ChunkActivitiesImpl withDataRoots(DataRoots roots) {
    this.dataRoots = roots;
    return this;
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    int attempt = ctx.getInfo().getAttempt();
    ChunkRef chunk = task.chunk();
    dataRoots.check("input", chunk.path());
    dataRoots.check("staging directory", task.stagingDir());
    RecordJobType<?, ?> generic = recordJob(jobTypes, task.type());
    if (generic != null) {
      return new RecordChunkRunner(segmentBytes).process(ctx, task, generic);
    }
    SettlementJobType type = settlement(jobTypes, task.type());
    Map<String, BigDecimal> rates;
    try {
      rates = type.rates(task.parameters());
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
    String ratesHash = StagedChunks.ratesSha256(rates);
    Path chunksDir = StagingLayout.ofStagingDir(Path.of(task.stagingDir())).chunksDir();
    try {
      ChunkSummary existing = StagedChunks.readSummary(chunksDir, chunk.index());
      if (StagedChunks.matches(existing, chunk, ratesHash) && segmentsVerify(chunksDir, existing)) {
        log.info("chunk {} already staged ({} rows), reusing it", chunk.index(), existing.counts().rows());
        return new ChunkResult(chunk.index(), existing.counts(), attempt, chunk.start(), 0, true);
      }
      return process(ctx, attempt, task, type, rates, ratesHash, chunksDir);
    } catch (IOException e) {
      throw Failures.of(
          ErrorType.IO, "chunk " + chunk.index() + " of " + chunk.fileName() + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw Failures.of(
          ErrorType.IO, "chunk " + chunk.index() + " of " + chunk.fileName() + ": " + e.getCause(), e);
    } catch (ArithmeticException e) {
      throw overflow(e);
    }
  }

  /**
   * A total of one merchant and date that does not fit a long (more than 92 quadrillion USD):
   * retrying cannot help. No {@link ErrorType} fits, so the failure type is {@code OVERFLOW}.
   */
  static RuntimeException overflow(ArithmeticException e) {
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "a settlement total does not fit a 64-bit count of cents", "OVERFLOW", e);
  }

  /** The job type named {@code name} when it runs on the generic record engine, else null. */
  static RecordJobType<?, ?> recordJob(JobTypes jobTypes, String name) {
    try {
      return jobTypes.get(name) instanceof RecordJobType<?, ?> generic ? generic : null;
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
  }

  /** The settlement job type named {@code name}, or a BAD_SPEC failure. */
  static SettlementJobType settlement(JobTypes jobTypes, String name) {
    JobType type;
    try {
      type = jobTypes.get(name);
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
    if (!(type instanceof SettlementJobType settlement)) {
      throw Failures.of(ErrorType.BAD_SPEC, "job type '" + name + "' has no chunk processing");
    }
    return settlement;
  }

  private ChunkResult process(
      ActivityExecutionContext ctx,
      int attempt,
      ChunkTask task,
      SettlementJobType type,
      Map<String, BigDecimal> rates,
      String ratesHash,
      Path chunksDir)
      throws IOException {
    ChunkRef chunk = task.chunk();
    try (FileChannel in = openInput(chunk)) {
      if (in.size() < chunk.end()) {
        throw inputChanged(chunk, "it is now " + in.size() + " bytes, shorter than planned");
      }
      SettlementJobType.Columns columns;
      try {
        columns = type.columns(chunk.fileName(), headerOf(chunk));
      } catch (IllegalArgumentException e) {
        throw Failures.of(ErrorType.BAD_HEADER, e.getMessage(), e);
      }

      SegmentChain.Verifier stagedSegment = s -> StagedChunks.verifySegment(chunksDir, chunk.index(), s);
      ChunkCheckpoint resume = SegmentChain.resumePoint(ctx, chunk, stagedSegment);
      long pos = resume.offset();
      long line = resume.line();
      int segment = resume.segments();
      Counts counts = resume.counts();
      long redone = SegmentChain.redoneBytes(stagedSegment, segment, pos);
      if (pos != chunk.start()) {
        log.info(
            "chunk {} resumes at offset {} (line {}, {} segments kept), attempt {}",
            chunk.index(), pos, line, segment, attempt);
      }

      CRC32C crc = new CRC32C();
      Buffer buffer = new Buffer(new byte[Math.max(READ_STEP, segmentBytes + READ_STEP)]);
      byte[] buf = buffer.bytes;
      for (long p = chunk.start(); p < pos; ) {
        int n = read(in, buf, 0, (int) Math.min(buf.length, pos - p), p);
        crc.update(buf, 0, n);
        p += n;
        ctx.heartbeat(resume);
      }

      SettlementRows rows = type.newRows(rates, columns, chunk.fileName());
      Path stopMarker = StagingLayout.ofStagingDir(Path.of(task.stagingDir())).stopMarker();
      while (pos < chunk.end()) {
        if (Files.exists(stopMarker)) {
          throw Failures.of(
              ErrorType.CANCELLED,
              "chunk " + chunk.index() + " stopped at offset " + pos + ": the job was cancelled");
        }
        int len = readSegment(in, buffer, pos, chunk.end());
        buf = buffer.bytes;
        crc.update(buf, 0, len);
        long firstLine = line;
        int ls = 0;
        for (int i = 0; i < len; i++) {
          if (buf[i] == '\n') {
            int le = i > ls && buf[i - 1] == '\r' ? i - 1 : i;
            rows.line(buf, ls, le, line);
            line++;
            ls = i + 1;
          }
        }
        if (ls < len) {
          rows.line(buf, ls, len, line);
          line++;
        }
        SettlementRows.Segment result = rows.takeSegment();
        long next = pos + len;
        StagedChunks.writeSegment(chunksDir, chunk.index(), segment, pos, next, firstLine, line, result);
        counts = counts.plus(result.counts());
        segment++;
        pos = next;
        log.debug("chunk {} segment {} staged up to offset {}", chunk.index(), segment - 1, pos);
        ctx.heartbeat(new ChunkCheckpoint(pos, line, segment, counts));
      }

      String actual = String.format("%08x", crc.getValue());
      if (!actual.equalsIgnoreCase(chunk.crc32c())) {
        throw inputChanged(
            chunk, "its bytes " + chunk.start() + ".." + chunk.end() + " have CRC-32C " + actual
                + ", planned " + chunk.crc32c());
      }

      List<SegmentInfo> infos = new ArrayList<>(segment);
      Counts total = Counts.ZERO;
      for (int s = 0; s < segment; s++) {
        SegmentInfo info = StagedChunks.verifySegment(chunksDir, chunk.index(), s);
        if (info == null) {
          throw Failures.of(
              ErrorType.STAGED_RESULT_CORRUPT,
              "staged segment " + s + " of chunk " + chunk.index() + " vanished or is corrupt");
        }
        infos.add(info);
        total = total.plus(info.counts());
      }
      if (!total.equals(counts)) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT,
            "staged segments of chunk " + chunk.index() + " hold " + total + ", expected " + counts);
      }
      StagedChunks.writeSummary(
          chunksDir,
          new ChunkSummary(
              1, chunk.index(), chunk.fileName(), chunk.start(), chunk.end(), chunk.firstLine(),
              actual, ratesHash, counts, infos));
      log.info(
          "chunk {} of {} done: {} rows, {} accepted, {} pending, {} rejected",
          chunk.index(), chunk.fileName(), counts.rows(), counts.accepted(), counts.pending(),
          counts.rejected());
      return new ChunkResult(chunk.index(), counts, attempt, resume.offset(), redone, false);
    }
  }

  /** A read buffer that {@link #readSegment} may grow. */
  private static final class Buffer {
    byte[] bytes;

    Buffer(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  private static FileChannel openInput(ChunkRef chunk) throws IOException {
    try {
      return FileChannel.open(Path.of(chunk.path()), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw inputChanged(chunk, "it no longer exists");
    }
  }

  /** Line 1 of the chunk's file (the plan checked it exists and fits {@link Planner#MAX_HEADER_BYTES}). */
  private static String headerOf(ChunkRef chunk) throws IOException {
    String header = FileScanner.readHeaderLine(Path.of(chunk.path()), Planner.MAX_HEADER_BYTES);
    if (header == null) {
      throw new IllegalArgumentException("input " + chunk.fileName() + " is now empty");
    }
    return header;
  }

  private static RuntimeException inputChanged(ChunkRef chunk, String why) {
    return Failures.of(
        ErrorType.INPUT_CHANGED,
        "input " + chunk.fileName() + " changed since it was planned: " + why + " (chunk "
            + chunk.index() + ", " + chunk.path() + ")");
  }

  private static boolean segmentsVerify(Path chunksDir, ChunkSummary summary) throws IOException {
    long expect = summary.start();
    Counts sum = Counts.ZERO;
    for (SegmentInfo s : summary.segments()) {
      byte[] agg;
      byte[] rejects;
      try {
        agg = Files.readAllBytes(StagedChunks.aggFile(chunksDir, summary.index(), s.index()));
        rejects =
            Files.readAllBytes(StagedChunks.rejectsFile(chunksDir, summary.index(), s.index()));
      } catch (NoSuchFileException e) {
        return false;
      }
      if (s.start() != expect
          || agg.length != s.aggBytes()
          || rejects.length != s.rejectsBytes()
          || !Fingerprints.sha256(agg).equals(s.aggSha256())
          || !Fingerprints.sha256(rejects).equals(s.rejectsSha256())) {
        return false;
      }
      expect = s.end();
      sum = sum.plus(s.counts());
    }
    return expect == summary.end() && sum.equals(summary.counts());
  }

  /**
   * Reads the segment starting at {@code pos}: at least {@code segmentBytes} (or up to {@code end}),
   * extended to the end of its last line, into {@code buffer} (grown when needed).
   */
  private int readSegment(FileChannel in, Buffer buffer, long pos, long end) throws IOException {
    byte[] buf = buffer.bytes;
    int len = read(in, buf, 0, (int) Math.min(segmentBytes, end - pos), pos);
    while (pos + len < end && buf[len - 1] != '\n') {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int want = (int) Math.min(Math.min(READ_STEP, buf.length - len), end - pos - len);
      int n = read(in, buf, len, want, pos + len);
      int stop = len + n;
      for (int i = len; i < stop; i++) {
        if (buf[i] == '\n') {
          stop = i + 1;
          break;
        }
      }
      len = stop;
    }
    buffer.bytes = buf;
    return len;
  }

  /** Reads exactly {@code n} bytes at {@code pos}, or fails with INPUT_CHANGED at end of file. */
  private static int read(FileChannel in, byte[] buf, int off, int n, long pos) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, off, n);
    while (bb.hasRemaining()) {
      if (in.read(bb, pos + bb.position() - off) < 0) {
        throw new IOException("unexpected end of input at offset " + (pos + bb.position() - off));
      }
    }
    return n;
  }
}
