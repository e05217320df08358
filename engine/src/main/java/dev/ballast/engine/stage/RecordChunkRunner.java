package dev.ballast.engine.stage;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.Failures;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.engine.plan.FileScanner;
import dev.ballast.engine.plan.Planner;
import dev.ballast.engine.stage.StagedRecords.ChunkSummary;
import dev.ballast.engine.stage.StagedRecords.SegmentInfo;
import dev.ballast.job.Accumulator;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.ExceptionPolicy;
import dev.ballast.job.JobType;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.Line;
import io.temporal.activity.ActivityExecutionContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.zip.Checksum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one chunk of a job; {@code ChunkActivitiesImpl} runs every job type through it.
 *
 * <p>Records are read from the job's {@link RecordSource} and given to its {@link
 * RecordProcessor} (accepted ones also to its {@link Sink}, if it has one); each time the source
 * has moved the chunk's segment size past the segment's start (the size its plan records, so that
 * every attempt on every worker cuts the same segments), the segment is finished (the sink
 * commits it), staged ({@link StagedRecords}) and a {@link ChunkCheckpoint} holding the source's
 * cursor is heartbeated. A retried attempt
 * keeps the verified segments before its checkpoint and reopens the source at the checkpoint's
 * cursor, unless the job type reports some of them lost ({@link JobType#lostSegments}):
 * then it resumes at the first lost one. Once the chunk's bytes are found to match the planned
 * CRC-32C, a summary is written; a chunk whose summary exists and verifies is reused as is, again
 * unless the job type reports some of its segments lost.
 */
public final class RecordChunkRunner {
  private static final Logger log = LoggerFactory.getLogger(RecordChunkRunner.class);

  /**
   * Segment size of the chunks of new plans: 4 MiB of input. Each segment costs its staged files
   * and its accumulator's serialisation; at 1 MiB those were ~6% of a settlement run's CPU, while a
   * checkpoint every 4 MiB still comes every few tens of milliseconds.
   */
  public static final int DEFAULT_SEGMENT_BYTES = 4 << 20;

  /** Segment size of chunks whose plan records none (plans of earlier versions): 1 MiB. */
  public static final int LEGACY_SEGMENT_BYTES = 1 << 20;

  private final int segmentBytes;

  /**
   * A runner cutting chunks in the segments their plan records, and chunks whose plan records none
   * in segments of {@code segmentBytes}.
   */
  public RecordChunkRunner(int segmentBytes) {
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be > 0");
    }
    this.segmentBytes = segmentBytes;
  }

  /** The segment size of {@code chunk}: its plan's, else this runner's. */
  int segmentBytes(ChunkRef chunk) {
    return chunk.segmentBytes() != null && chunk.segmentBytes() > 0 ? chunk.segmentBytes() : segmentBytes;
  }

  /** Processes {@code task}'s chunk with {@code type}, heartbeating on {@code ctx}. */
  public <P, I, A extends Accumulator<A>> ChunkResult process(
      ActivityExecutionContext ctx, ChunkTask task, JobType<P, I, A> type) {
    ChunkRef chunk = task.chunk();
    int attempt = ctx.getInfo().getAttempt();
    Map<String, Object> parameters = resolveParameters(type, task.parameters());
    String paramsHash = StagedRecords.parametersSha256(parameters);
    P params = bindParameters(type, parameters);
    StagingLayout layout = StagingLayout.ofStagingDir(Path.of(task.stagingDir()));
    Path chunksDir = layout.chunksDir();
    try {
      ChunkSummary existing = StagedRecords.readSummary(chunksDir, chunk.index());
      ChunkCheckpoint from = null;
      if (StagedRecords.matches(existing, chunk, type.name(), paramsHash)
          && segmentsVerify(chunksDir, existing)) {
        from = LostSegments.resumePoint(type, task.jobId(), params, chunk, existing.segments(), null);
        if (from == null) {
          log.info("chunk {} already staged ({} rows), reusing it", chunk.index(), existing.counts().rows());
          return new ChunkResult(chunk.index(), existing.counts(), attempt, chunk.start(), 0, true);
        }
      }
      return run(ctx, attempt, task, type, params, paramsHash, layout, from);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "chunk " + chunk.index() + " of " + chunk.fileName() + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw Failures.of(
          ErrorType.IO, "chunk " + chunk.index() + " of " + chunk.fileName() + ": " + e.getCause(), e);
    } catch (RuntimeException e) {
      throw Failures.fromJobType(type, e, "chunk " + chunk.index() + " of " + chunk.fileName());
    }
  }

  private <P, I, A extends Accumulator<A>> ChunkResult run(
      ActivityExecutionContext ctx, int attempt, ChunkTask task, JobType<P, I, A> type,
      P parameters, String paramsHash, StagingLayout layout, ChunkCheckpoint from)
      throws IOException {
    ChunkRef chunk = task.chunk();
    Path file = Path.of(chunk.path());
    Path chunksDir = layout.chunksDir();
    String header;
    try {
      header = readHeader(file);
    } catch (NoSuchFileException e) {
      throw inputChanged(chunk, "it no longer exists");
    }
    try {
      type.checkHeader(chunk.fileName(), header, parameters);
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_HEADER, e.getMessage(), e);
    }
    if (Files.size(file) < chunk.end()) {
      throw inputChanged(chunk, "it is now " + Files.size(file) + " bytes, shorter than planned");
    }
    SegmentChain.Verifier stagedSegment = s -> StagedRecords.verifySegment(chunksDir, chunk.index(), s);
    ChunkCheckpoint resume = from;
    if (resume == null) {
      resume = SegmentChain.resumePoint(ctx, chunk, stagedSegment);
      if (resume.segments() > 0) {
        // The checkpoint says these segments are done; the job type may know better.
        List<SegmentInfo> kept = new ArrayList<>(resume.segments());
        for (int s = 0; s < resume.segments() && kept.size() == s; s++) {
          SegmentInfo info = StagedRecords.verifySegment(chunksDir, chunk.index(), s);
          if (info != null) {
            kept.add(info);
          }
        }
        resume = kept.size() < resume.segments()
            ? new ChunkCheckpoint(chunk.start(), chunk.firstLine(), 0, Counts.ZERO)
            : LostSegments.resumePoint(type, task.jobId(), parameters, chunk, kept, resume);
      }
    }
    ChunkCheckpoint[] beat = {resume};
    ChunkContext<P> context =
        new ChunkContext<>(
            task.jobId(), parameters, chunk.fileName(), header, chunk.index(), () -> ctx.heartbeat(beat[0]));
    if (resume.offset() != chunk.start()) {
      log.info(
          "chunk {} resumes at offset {} (line {}, {} segments kept), attempt {}",
          chunk.index(), resume.offset(), resume.line(), resume.segments(), attempt);
    }
    long redone = SegmentChain.redoneBytes(stagedSegment, resume.segments(), resume.offset());
    RecordProcessor<I, A> processor = type.processor(context);
    ExceptionPolicy policy = type.exceptions();
    Path stopMarker = layout.stopMarker();

    int segment = resume.segments();
    Counts counts = resume.counts();
    List<SegmentInfo> written = new ArrayList<>();
    // The chunk's CRC-32C, checked against the plan below: the bytes before the resume point are
    // read for it now, the rest as the source reads them (a source that cannot pass its bytes on
    // has the chunk read again at the end).
    CountingCrc32c seen = new CountingCrc32c();
    crc32c(file, chunk, chunk.start(), resume.offset(), seen);
    boolean fed;
    try (SinkHolder<I, A> sink = new SinkHolder<>(open(type, context));
        RecordSource<I> source =
        type.open(file, new Cursor(resume.offset(), resume.line()), chunk.end(), context)) {
      fed = source.feedChecksum(seen);
      Cursor segStart = source.position();
      A acc = type.newAccumulator(parameters);
      ByteArrayOutputStream rejects = new ByteArrayOutputStream();
      long[] segCounts = new long[4];
      Rejected<I> rejected = new Rejected<>();
      int segmentBytes = segmentBytes(chunk);
      while (true) {
        boolean last =
            processSegment(
                source, processor, policy, acc, sink.sink, context, segStart.offset() + segmentBytes, segCounts,
                rejects, chunk.fileName(), rejected);
        long offset = source.offset();
        if ((last && offset > segStart.offset()) || offset - segStart.offset() >= segmentBytes) {
          if (Files.exists(stopMarker)) {
            throw Failures.of(
                ErrorType.CANCELLED,
                "chunk " + chunk.index() + " stopped at offset " + segStart.offset() + ": the job was cancelled");
          }
          Cursor pos = source.position();
          Segment seg = new Segment(chunk.index(), segment, segStart.offset(), pos.offset());
          commit(sink.sink, seg, acc);
          Counts c = new Counts(segCounts[0], segCounts[1], segCounts[2], segCounts[3]);
          written.add(
              StagedRecords.writeSegment(chunksDir, seg, segStart.line(), pos.line(), c, rejects.toByteArray(), acc));
          counts = counts.plus(c);
          segment++;
          log.debug("chunk {} segment {} staged up to offset {}", chunk.index(), seg.index(), pos.offset());
          beat[0] = new ChunkCheckpoint(pos.offset(), pos.line(), segment, counts);
          if (!last) {
            // After the last segment the chunk completes at once: a checkpoint would cost a call to
            // the server per chunk (the first heartbeat is never throttled) for nothing.
            ctx.heartbeat(beat[0]);
          }
          segStart = pos;
          if (!acc.reset()) {
            acc = type.newAccumulator(parameters);
          }
          rejects.reset();
          Arrays.fill(segCounts, 0);
        }
        if (last) {
          break;
        }
      }
    }

    String actual =
        checkPlannedBytes(file, chunk, fed && seen.bytes() == chunk.end() - chunk.start() ? seen : null, type);
    List<SegmentInfo> infos = new ArrayList<>(segment);
    Counts total = Counts.ZERO;
    long expect = chunk.start();
    for (int s = 0; s < segment; s++) {
      // Segments kept from an earlier attempt are read back and checked; this attempt's own are
      // described by what it wrote (the merge checks every staged file's size and SHA-256 again).
      SegmentInfo info =
          s < resume.segments()
              ? StagedRecords.verifySegment(chunksDir, chunk.index(), s)
              : written.get(s - resume.segments());
      if (info == null || info.start() != expect) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT,
            "staged segment " + s + " of chunk " + chunk.index() + " vanished or is corrupt");
      }
      expect = info.end();
      infos.add(info);
      total = total.plus(info.counts());
    }
    if (!total.equals(counts) || (segment > 0 && expect != chunk.end())) {
      throw Failures.of(
          ErrorType.STAGED_RESULT_CORRUPT,
          "staged segments of chunk " + chunk.index() + " hold " + total + ", expected " + counts);
    }
    StagedRecords.writeSummary(
        chunksDir,
        new ChunkSummary(
            1, type.name(), chunk.index(), chunk.fileName(), chunk.start(), chunk.end(),
            chunk.firstLine(), actual, paramsHash, counts, infos));
    log.info(
        "chunk {} of {} done: {} rows, {} accepted, {} skipped, {} rejected",
        chunk.index(), chunk.fileName(), counts.rows(), counts.accepted(), counts.skipped(), counts.rejected());
    return new ChunkResult(chunk.index(), counts, attempt, resume.offset(), redone, false);
  }

  /** {@code given} completed with the type's defaults, or a BAD_SPEC failure naming what is wrong. */
  static Map<String, Object> resolveParameters(JobType<?, ?, ?> type, Map<String, Object> given) {
    try {
      return TypedParameters.resolve(type, given);
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
  }

  /** {@code resolved} bound to the type's parameters, or a BAD_SPEC failure naming what is wrong. */
  static <P> P bindParameters(JobType<P, ?, ?> type, Map<String, Object> resolved) {
    try {
      return TypedParameters.bind(type, resolved);
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, "bad 'parameters' for job type " + type.name() + ": " + e.getMessage(), e);
    }
  }

  /** The sink of one chunk attempt (null when the job has none), closed with the attempt. */
  static final class SinkHolder<I, A extends Accumulator<A>> implements AutoCloseable {
    final Sink<I, A> sink;

    SinkHolder(Sink<I, A> sink) {
      this.sink = sink;
    }

    @Override
    public void close() throws IOException {
      if (sink != null) {
        try {
          sink.close();
        } catch (RuntimeException | IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException("closing the job's sink: " + e, e);
        }
      }
    }
  }

  static <P, I, A extends Accumulator<A>> Sink<I, A> open(JobType<P, I, A> type, ChunkContext<P> context)
      throws IOException {
    try {
      return type.sink(context);
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("opening the job's sink: " + e, e);
    }
  }

  /**
   * Gives the source's records to the processor until the source has reached {@code segmentEnd}
   * (the segment's start plus the chunk's segment size) or has no more records; true when it has no
   * more. The per-record loop lives in {@link #processRecords}, a small method of its own that
   * hands every rejected record back here: the JIT compiles that loop without the reject path
   * (which writes a JSON line, and would otherwise be compiled again inside each compilation of the
   * loop), and since the loop is entered again after each reject, it is compiled as a method rather
   * than first on the stack and then again whole. Neither loop is in {@link #run}: compiling all of
   * it alone took seconds of compiler time per job.
   */
  private <I, A extends Accumulator<A>> boolean processSegment(
      RecordSource<I> source,
      RecordProcessor<I, A> processor,
      ExceptionPolicy policy,
      A acc,
      Sink<I, A> sink,
      ChunkContext<?> context,
      long segmentEnd,
      long[] segCounts,
      ByteArrayOutputStream rejects,
      String fileName,
      Rejected<I> rejected)
      throws IOException {
    while (true) {
      int stop = processRecords(source, processor, policy, acc, sink, context, segmentEnd, segCounts, fileName, rejected);
      if (stop != REJECTED) {
        return stop == NO_MORE;
      }
      reject(rejects, fileName, rejected.record, rejected.outcome);
      rejected.record = null;
      rejected.outcome = null;
      if (source.offset() >= segmentEnd) {
        return false;
      }
    }
  }

  /** {@link #processRecords} stopped: the source has no more records. */
  private static final int NO_MORE = 0;
  /** {@link #processRecords} stopped: the source has reached the segment's end. */
  private static final int SEGMENT_FULL = 1;
  /** {@link #processRecords} stopped: a record was rejected (see {@link Rejected}), not yet written. */
  private static final int REJECTED = 2;

  /** The record {@link #processRecords} rejected and the outcome rejecting it, until written. */
  static final class Rejected<I> {
    SourceRecord<I> record;
    Outcome outcome;
  }

  /**
   * The per-record loop: gives records to the processor and counts their outcomes until the source
   * has no more records ({@link #NO_MORE}), has reached {@code segmentEnd} ({@link #SEGMENT_FULL}),
   * or a record is rejected ({@link #REJECTED}: counted, left in {@code rejected} for the caller to
   * write before the next record is read).
   */
  private <I, A extends Accumulator<A>> int processRecords(
      RecordSource<I> source,
      RecordProcessor<I, A> processor,
      ExceptionPolicy policy,
      A acc,
      Sink<I, A> sink,
      ChunkContext<?> context,
      long segmentEnd,
      long[] segCounts,
      String fileName,
      Rejected<I> rejected)
      throws IOException {
    while (true) {
      SourceRecord<I> record = source.next();
      if (record == null) {
        return NO_MORE;
      }
      if ((segCounts[0] & 0x3ff) == 0x3ff) {
        // A slow processor must not let the heartbeat time out within a segment.
        context.heartbeat();
      }
      Outcome outcome;
      try {
        outcome = processor.process(record, acc);
      } catch (RuntimeException e) {
        outcome = Failures.rejectOrThrow(policy, e, fileName, record.line());
      }
      segCounts[0]++;
      Outcome.Kind kind = outcome.kind();
      if (kind == Outcome.Kind.ACCEPT) {
        segCounts[1]++;
        if (sink != null) {
          write(sink, record);
        }
      } else if (kind == Outcome.Kind.SKIP) {
        segCounts[2]++;
      } else {
        segCounts[3]++;
        rejected.record = record;
        rejected.outcome = outcome;
        return REJECTED;
      }
      if (source.offset() >= segmentEnd) {
        return SEGMENT_FULL;
      }
    }
  }

  private static void reject(
      ByteArrayOutputStream rejects, String fileName, SourceRecord<?> record, Outcome outcome) {
    if (record instanceof Line l) {
      // A line's bytes are written as they are read: no string per reject for ASCII lines.
      StagedRecords.writeRejectLine(
          rejects, fileName, l.line(), outcome.reason(), l.bytes(), l.start(), l.end());
    } else {
      StagedRecords.writeRejectLine(rejects, fileName, record.line(), outcome.reason(), record.raw());
    }
  }

  /** Commits a segment's records to the job's sink, if it has one. */
  static <A extends Accumulator<A>> void commit(Sink<?, A> sink, Segment seg, A segmentTotal) throws IOException {
    if (sink == null) {
      return;
    }
    try {
      sink.commit(seg, segmentTotal);
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("segment " + seg.index() + " of chunk " + seg.chunkIndex() + ": " + e, e);
    }
  }

  /** Hands an accepted record to the job's sink. */
  static <I> void write(Sink<I, ?> sink, SourceRecord<I> record) throws IOException {
    try {
      sink.write(record);
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("writing a record to the job's sink: " + e, e);
    }
  }


  static boolean segmentsVerify(Path chunksDir, ChunkSummary summary) throws IOException {
    long expect = summary.start();
    Counts sum = Counts.ZERO;
    for (SegmentInfo s : summary.segments()) {
      SegmentInfo now = StagedRecords.verifySegment(chunksDir, summary.index(), s.index());
      if (now == null || !now.equals(s) || s.start() != expect) {
        return false;
      }
      expect = s.end();
      sum = sum.plus(s.counts());
    }
    return (summary.segments().isEmpty() || expect == summary.end()) && sum.equals(summary.counts());
  }

  /**
   * Fails with {@code INPUT_CHANGED} unless the chunk's bytes have the CRC-32C its plan recorded:
   * the bytes the source read, when {@code read} saw them all, else the file's bytes read again.
   * Returns that CRC-32C.
   */
  private static String checkPlannedBytes(Path file, ChunkRef chunk, CountingCrc32c read, JobType<?, ?, ?> type)
      throws IOException {
    String planned = chunk.crc32c();
    String actual = read != null ? Fingerprints.crc32cHex(read.getValue()) : crc32c(file, chunk);
    if (actual.equalsIgnoreCase(planned)) {
      return actual;
    }
    String range = "its bytes " + chunk.start() + ".." + chunk.end();
    if (read != null && crc32c(file, chunk).equalsIgnoreCase(planned)) {
      // The file holds the planned bytes now, but the rows were not read from them as passed on.
      throw inputChanged(
          chunk, range + " were read with CRC-32C " + actual + " and now have the planned " + planned
              + ": either the file changed while the chunk ran, or job type " + type.name()
              + "'s source passes its bytes on out of order (RecordSource.feedChecksum)");
    }
    throw inputChanged(chunk, range + " have CRC-32C " + actual + ", planned " + planned);
  }

  /** CRC-32C of the chunk's bytes as the file holds them now, lower-case hex. */
  static String crc32c(Path file, ChunkRef chunk) throws IOException {
    CRC32C crc = new CRC32C();
    crc32c(file, chunk, chunk.start(), chunk.end(), crc);
    return Fingerprints.crc32cHex(crc.getValue());
  }

  /** Passes the file's bytes {@code from..to} of {@code chunk} to {@code crc}. */
  static void crc32c(Path file, ChunkRef chunk, long from, long to, Checksum crc) throws IOException {
    if (from >= to) {
      return;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 << 10, to - from));
      long pos = from;
      while (pos < to) {
        buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
        int n = in.read(buf, pos);
        if (n < 0) {
          throw inputChanged(chunk, "it ends at offset " + pos);
        }
        crc.update(buf.array(), 0, n);
        pos += n;
      }
    }
  }

  /** A CRC-32C that counts the bytes it was given (a source that skipped some is caught). */
  static final class CountingCrc32c implements Checksum {
    private final CRC32C crc = new CRC32C();
    private long bytes;

    @Override
    public void update(int b) {
      crc.update(b);
      bytes++;
    }

    @Override
    public void update(byte[] b, int off, int len) {
      crc.update(b, off, len);
      bytes += len;
    }

    @Override
    public long getValue() {
      return crc.getValue();
    }

    @Override
    public void reset() {
      crc.reset();
      bytes = 0;
    }

    long bytes() {
      return bytes;
    }
  }

  static RuntimeException inputChanged(ChunkRef chunk, String why) {
    return Failures.of(
        ErrorType.INPUT_CHANGED,
        "input " + chunk.fileName() + " changed since it was planned: " + why + " (chunk "
            + chunk.index() + ", " + chunk.path() + ")");
  }

  /** Line 1 of {@code file}: decoded, byte-order mark and line ending removed. */
  public static String readHeader(Path file) throws IOException {
    String header = FileScanner.readHeaderLine(file, Planner.MAX_HEADER_BYTES);
    if (header == null) {
      throw new IllegalArgumentException("input " + file.getFileName() + " is now empty");
    }
    return header;
  }
}
