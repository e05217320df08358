package dev.ballast.engine.stage;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.engine.Failures;
import dev.ballast.engine.files.AtomicFiles;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.plan.StagedPlan;
import dev.ballast.engine.stage.StagedRecords.ChunkSummary;
import dev.ballast.engine.stage.StagedRecords.SegmentFile;
import dev.ballast.engine.stage.StagedRecords.SegmentInfo;
import dev.ballast.job.Accumulator;
import dev.ballast.job.JobType;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge of a job: folds every staged segment's accumulator in
 * input order with {@link Accumulator#mergeFrom} (two contiguous halves on two threads, joined in
 * order), checks the counts, writes the job's outputs and
 * {@code rejects.jsonl} (the segments' rejects concatenated in input order) atomically into the
 * staging area's {@code out/} directory. Before it writes them, it applies again the segments
 * whose side effect the job type reports lost ({@link JobType#lostSegments}). Every staged file must match its recorded size and
 * SHA-256, else {@code STAGED_RESULT_CORRUPT}.
 */
public final class RecordMerger {
  /** Name of the merged rejects. */
  public static final String REJECTS_JSONL = "rejects.jsonl";

  private static final Logger log = LoggerFactory.getLogger(RecordMerger.class);

  /**
   * Merges the request's chunks; heartbeats once per chunk, and while it waits for its helper, when
   * {@code ctx} is not null.
   *
   * <p>The work is shared: the chunks' first half is folded on the caller's thread and the second on
   * a helper, into accumulators of their own joined in that order (the regrouping {@link
   * Accumulator#mergeFrom} allows), while a second helper writes {@code rejects.jsonl}; the job's
   * outputs are then written on the caller's thread. Whatever fails, the helpers have stopped
   * before this returns or throws.
   */
  public <P, I, A extends Accumulator<A>> MergeResult merge(
      ActivityExecutionContext ctx, MergeRequest request, JobType<P, I, A> type) {
    Map<String, Object> resolved = RecordChunkRunner.resolveParameters(type, request.parameters());
    String paramsHash = StagedRecords.parametersSha256(resolved);
    P parameters = RecordChunkRunner.bindParameters(type, resolved);
    StagingLayout layout = StagingLayout.ofStagingDir(Path.of(request.stagingDir()));
    Path chunksDir = layout.chunksDir();
    ExecutorService helper = Executors.newFixedThreadPool(2, RecordMerger::helperThread);
    try {
      // A staged plan is read a block at a time; a request of an earlier version carries its chunks.
      StagedPlan plan =
          request.plan() == null ? null : StagedPlan.open(layout.dir(), request.plan());
      int chunkTotal = plan != null ? plan.chunkCount() : request.chunks().size();
      ChunkRange range = (from, to, each) -> {
        if (plan != null) {
          plan.forEachChunk(from, to, each);
        } else {
          for (ChunkRef ref : request.chunks().subList(from, to)) {
            each.accept(ref);
          }
        }
      };
      Folder<A> folder = (from, to, heartbeat, stop) -> {
        A part = type.newAccumulator(parameters);
        Counts[] counts = {Counts.ZERO};
        List<Integer> merged = new ArrayList<>();
        range.forEach(from, to, ref -> {
          if (stop.get()) {
            throw new CancellationException("the other half of the merge failed");
          }
          ChunkSummary s = summary(chunksDir, ref, type.name(), paramsHash);
          for (SegmentInfo seg : s.segments()) {
            byte[] acc = readStaged(StagedRecords.accFile(chunksDir, ref.index(), seg.index()));
            if (acc.length != seg.accBytes() || !Fingerprints.sha256(acc).equals(seg.accSha256())) {
              throw corrupt("staged segment " + seg.index() + " of chunk " + ref.index() + " is corrupt");
            }
            SegmentFile file = StagedRecords.parse(acc);
            part.mergeFrom(new BytesInput(file.accumulator()));
          }
          counts[0] = counts[0].plus(s.counts());
          merged.add(ref.index());
          if (heartbeat != null) {
            heartbeat.accept(ref.index());
          }
        });
        return new Part<>(part, counts[0], merged);
      };
      int split = chunkTotal / 2;
      AtomicBoolean stop = new AtomicBoolean();
      Path out = layout.outDir();
      Future<OutputFile> rejects = helper.submit(() -> write(out, REJECTS_JSONL,
          stream -> copyRejects(range, chunkTotal, chunksDir, type.name(), paramsHash, stop, stream)));
      Future<Part<A>> second = helper.submit(() -> folder.fold(split, chunkTotal, null, stop));
      List<OutputFile> outputs = new ArrayList<>();
      Counts counts;
      List<ChunkSummary> summaries;
      try {
        Part<A> first = folder.fold(0, split, ctx == null ? null : chunk -> ctx.heartbeat(chunk), stop);
        Part<A> rest = await(second, ctx);
        A total = first.total();
        total.mergeFrom(rest.total());
        counts = first.counts().plus(rest.counts());
        List<Integer> merged = new ArrayList<>(first.merged());
        merged.addAll(rest.merged());

        summaries = new SummaryList(chunksDir, merged);
        if (request.counts() != null && !request.counts().equals(counts)) {
          throw corrupt("staged results hold " + counts + " but the process stage reported " + request.counts());
        }
        LostSegments.Chunks chunks = each -> range.forEach(0, chunkTotal, each);
        LostSegments.reapply(ctx, request.jobId(), type, parameters, chunks, summaries);
        for (String name : type.outputNames()) {
          outputs.add(write(out, name, stream -> type.writeOutput(name, total, parameters, stream)));
        }
        outputs.add(await(rejects, ctx));
      } catch (IOException | RuntimeException | Error e) {
        stop.set(true);
        awaitQuietly(second);
        awaitQuietly(rejects);
        throw e;
      }
      log.info(
          "merged {} chunks of {} job {}: {} rows ({} accepted, {} skipped, {} rejected)",
          summaries.size(), type.name(), request.jobId(), counts.rows(), counts.accepted(),
          counts.skipped(), counts.rejected());
      return new MergeResult(List.copyOf(outputs), counts);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e.getCause(), e);
    } catch (RuntimeException e) {
      throw Failures.fromJobType(type, e, "merge of job " + request.jobId());
    } finally {
      helper.shutdownNow();
    }
  }

  /** Chunks {@code from} (inclusive) to {@code to} (exclusive) of the merged job, in order. */
  @FunctionalInterface
  private interface ChunkRange {
    void forEach(int from, int to, StagedPlan.Each<ChunkRef> each) throws IOException;
  }

  /**
   * Folds a contiguous run of chunks into an accumulator of its own, telling {@code heartbeat} (when
   * not null) each chunk it has folded.
   */
  @FunctionalInterface
  private interface Folder<A> {
    Part<A> fold(int from, int to, IntConsumer heartbeat, AtomicBoolean stop) throws IOException;
  }

  /** What one part of the merge folded: its total, its counts and its chunks, in input order. */
  private record Part<A>(A total, Counts counts, List<Integer> merged) {}

  private static Thread helperThread(Runnable task) {
    Thread thread = new Thread(task, "ballast-merge-helper");
    thread.setDaemon(true);
    return thread;
  }

  /**
   * The helper's result, heartbeating every second while it works; its failure is thrown as it
   * was raised (an I/O error, a corrupt staged file, a job type's exception).
   */
  private static <T> T await(Future<T> task, ActivityExecutionContext ctx) throws IOException {
    while (true) {
      try {
        return task.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException working) {
        if (ctx != null) {
          ctx.heartbeat(null);
        }
      } catch (InterruptedException e) {
        task.cancel(true);
        Thread.currentThread().interrupt();
        throw Failures.of(ErrorType.IO, "the merge was interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        } else if (cause instanceof RuntimeException r) {
          throw r;
        } else if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /** Waits for a helper's task to end, whatever its outcome, after a failure on this thread. */
  private static void awaitQuietly(Future<?> task) {
    try {
      task.get();
    } catch (ExecutionException | CancellationException ignored) {
      // this thread's failure is the one reported
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ChunkSummary summary(Path chunksDir, ChunkRef ref, String type, String paramsHash) {
    ChunkSummary s = StagedRecords.readSummary(chunksDir, ref.index());
    if (!StagedRecords.matches(s, ref, type, paramsHash)) {
      throw corrupt("chunk " + ref.index() + " has no valid staged summary");
    }
    return s;
  }

  /**
   * The summaries of the merged chunks, read again from their staged files when asked: the merge
   * holds their indexes, not every summary, in memory. The rejects copied from a summary read here
   * are checked against the SHA-256 it records, as in the first pass.
   */
  private static final class SummaryList extends java.util.AbstractList<ChunkSummary> {
    private final Path chunksDir;
    private final List<Integer> indexes;

    SummaryList(Path chunksDir, List<Integer> indexes) {
      this.chunksDir = chunksDir;
      this.indexes = indexes;
    }

    @Override
    public ChunkSummary get(int i) {
      ChunkSummary s = StagedRecords.readSummary(chunksDir, indexes.get(i));
      if (s == null) {
        throw corrupt("chunk " + indexes.get(i) + " has no valid staged summary");
      }
      return s;
    }

    @Override
    public int size() {
      return indexes.size();
    }
  }

  /**
   * Concatenates the staged rejects of every chunk in input order, each segment checked against the
   * size and SHA-256 its chunk's summary records; stops early when {@code stop} is set.
   */
  private static void copyRejects(
      ChunkRange range, int chunkTotal, Path chunksDir, String type, String paramsHash,
      AtomicBoolean stop, OutputStream stream) throws IOException {
    range.forEach(0, chunkTotal, ref -> {
      if (stop.get()) {
        throw new CancellationException("the merge failed");
      }
      ChunkSummary s = summary(chunksDir, ref, type, paramsHash);
      for (SegmentInfo seg : s.segments()) {
        byte[] rejects = readStaged(StagedRecords.rejectsFile(chunksDir, s.index(), seg.index()));
        if (rejects.length != seg.rejectsBytes() || !Fingerprints.sha256(rejects).equals(seg.rejectsSha256())) {
          throw corrupt("staged rejects of segment " + seg.index() + " of chunk " + s.index() + " are corrupt");
        }
        stream.write(rejects);
      }
    });
  }

  private static byte[] readStaged(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw corrupt("staged file " + file.getFileName() + " is missing");
    }
  }

  private static RuntimeException corrupt(String message) {
    return Failures.of(ErrorType.STAGED_RESULT_CORRUPT, message);
  }

  /** Writes {@code dir/name} atomically, hashing and counting it on the way. */
  private static OutputFile write(Path dir, String name, AtomicFiles.Content content)
      throws IOException {
    Fingerprints.Fingerprint written = AtomicFiles.writeHashed(dir.resolve(name), content);
    return new OutputFile(name, written.bytes(), written.sha256());
  }
}
