package dev.ballast.engine.stage;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.Failures;
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
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of {@link JobType#lostSegments}: finished segments whose side effect a
 * job type no longer finds are redone, at a chunk attempt's start (it resumes at the first lost
 * one) and in the merge (which applies them again before writing the outputs).
 */
final class LostSegments {
  private static final Logger log = LoggerFactory.getLogger(LostSegments.class);

  private LostSegments() {}

  /** The staged segments {@code 0 .. n-1} of a chunk as {@link Segment}s. */
  static List<Segment> segments(int chunk, List<? extends SegmentChain.Staged> staged) {
    List<Segment> done = new ArrayList<>(staged.size());
    for (int s = 0; s < staged.size(); s++) {
      done.add(new Segment(chunk, s, staged.get(s).start(), staged.get(s).end()));
    }
    return done;
  }

  /** What the job type says is lost of {@code done}; its checked exceptions as IOException. */
  static <P> List<Segment> lost(JobType<P, ?, ?> type, String jobId, P parameters, List<Segment> done)
      throws IOException {
    if (done.isEmpty()) {
      return List.of();
    }
    try {
      return type.lostSegments(jobId, parameters, done);
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("checking the finished segments of job " + jobId + ": " + e, e);
    }
  }

  /**
   * Where a chunk whose segments {@code staged} were finished resumes: at the first of them the
   * job type reports lost, else at {@code otherwise}.
   */
  static <P> ChunkCheckpoint resumePoint(
      JobType<P, ?, ?> type, String jobId, P parameters, ChunkRef chunk,
      List<? extends SegmentChain.Staged> staged, ChunkCheckpoint otherwise) throws IOException {
    List<Segment> lost = lost(type, jobId, parameters, segments(chunk.index(), staged));
    int first = lost.stream().mapToInt(Segment::index).min().orElse(-1);
    if (first < 0) {
      return otherwise;
    }
    log.warn(
        "job {} chunk {}: {} of the {} segments finished earlier are lost where they were written"
            + " (from offset {}); redoing them from segment {}",
        jobId, chunk.index(), lost.size(), staged.size(), staged.get(first).start(), first);
    Counts counts = Counts.ZERO;
    for (int s = 0; s < first; s++) {
      counts = counts.plus(staged.get(s).counts());
    }
    SegmentChain.Staged at = staged.get(first);
    return new ChunkCheckpoint(at.start(), at.firstLine(), first, counts);
  }

  /**
   * Processes and commits again, to the job's {@link Sink}, every segment of the merged chunks
   * that the job type reports lost; their staged results are kept as they are. Returns how many.
   */
  static <P, I, A extends Accumulator<A>> int reapply(
      ActivityExecutionContext ctx, String jobId, JobType<P, I, A> type, P parameters,
      Chunks chunks, List<ChunkSummary> summaries) throws IOException {
    List<Segment> done = new ArrayList<>();
    Map<Integer, ChunkSummary> byIndex = new HashMap<>();
    for (ChunkSummary s : summaries) {
      done.addAll(segments(s.index(), s.segments()));
      byIndex.put(s.index(), s);
    }
    List<Segment> lost = lost(type, jobId, parameters, done);
    if (lost.isEmpty()) {
      return 0;
    }
    log.warn("job {}: {} of its {} finished segments are lost where they were written; applying them again",
        jobId, lost.size(), done.size());
    Map<Integer, List<Segment>> byChunk = new TreeMap<>();
    lost.forEach(s -> byChunk.computeIfAbsent(s.chunkIndex(), k -> new ArrayList<>()).add(s));
    chunks.forEach(ref -> {
      List<Segment> redo = byChunk.get(ref.index());
      if (redo != null) {
        reapplyChunk(ctx, jobId, type, parameters, ref, byIndex.get(ref.index()), redo);
      }
    });
    return lost.size();
  }

  /** The job's chunks, walked in order (from the staged plan, or a request's list). */
  interface Chunks {
    void forEach(dev.ballast.engine.plan.StagedPlan.Each<ChunkRef> each) throws IOException;
  }

  private static <P, I, A extends Accumulator<A>> void reapplyChunk(
      ActivityExecutionContext ctx, String jobId, JobType<P, I, A> type, P parameters,
      ChunkRef ref, ChunkSummary summary, List<Segment> redo) throws IOException {
    Path file = Path.of(ref.path());
    String crc = RecordChunkRunner.crc32c(file, ref);
    if (!crc.equalsIgnoreCase(ref.crc32c())) {
      throw RecordChunkRunner.inputChanged(
          ref, "its bytes " + ref.start() + ".." + ref.end() + " have CRC-32C " + crc + ", planned " + ref.crc32c()
              + "; its lost segments cannot be applied again");
    }
    Runnable keepAlive = ctx == null ? () -> {} : () -> ctx.heartbeat(ref.index());
    ChunkContext<P> context = new ChunkContext<>(
        jobId, parameters, ref.fileName(), RecordChunkRunner.readHeader(file), ref.index(), keepAlive);
    RecordProcessor<I, A> processor = type.processor(context);
    ExceptionPolicy policy = type.exceptions();
    for (Segment seg : redo) {
      SegmentInfo info = summary.segments().get(seg.index());
      A acc = type.newAccumulator(parameters);
      try (RecordChunkRunner.SinkHolder<I, A> sink = new RecordChunkRunner.SinkHolder<>(RecordChunkRunner.open(type, context));
          RecordSource<I> source = type.open(file, new Cursor(info.start(), info.firstLine()), info.end(), context)) {
        long n = 0;
        for (SourceRecord<I> record = source.next(); record != null; record = source.next()) {
          Outcome outcome;
          try {
            outcome = processor.process(record, acc);
          } catch (RuntimeException e) {
            outcome = Failures.rejectOrThrow(policy, e, ref.fileName(), record.line());
          }
          if (outcome.kind() == Outcome.Kind.ACCEPT && sink.sink != null) {
            RecordChunkRunner.write(sink.sink, record);
          }
          if ((++n & 0x3ff) == 0) {
            context.heartbeat();
          }
        }
        if (source.offset() != info.end()) {
          throw Failures.of(ErrorType.STAGED_RESULT_CORRUPT, "segment " + seg.index() + " of chunk " + ref.index()
              + " ends at offset " + source.offset() + ", staged as ending at " + info.end());
        }
        RecordChunkRunner.commit(sink.sink, seg, acc);
      }
      context.heartbeat();
      log.info("job {} chunk {} segment {} (offset {}) applied again", jobId, ref.index(), seg.index(), info.start());
    }
  }
}
