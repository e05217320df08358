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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge of a job: folds every staged segment's accumulator in
 * input order with {@link Accumulator#mergeFrom}, checks the counts, writes the job's outputs and
 * {@code rejects.jsonl} (the segments' rejects concatenated in input order) atomically into the
 * staging area's {@code out/} directory. Before it writes them, it applies again the segments
 * whose side effect the job type reports lost ({@link JobType#lostSegments}). Every staged file must match its recorded size and
 * SHA-256, else {@code STAGED_RESULT_CORRUPT}.
 */
public final class RecordMerger {
  /** Name of the merged rejects. */
  public static final String REJECTS_JSONL = "rejects.jsonl";

  private static final Logger log = LoggerFactory.getLogger(RecordMerger.class);

  /** Merges the request's chunks; heartbeats once per chunk when {@code ctx} is not null. */
  public <P, I, A extends Accumulator<A>> MergeResult merge(
      ActivityExecutionContext ctx, MergeRequest request, JobType<P, I, A> type) {
    Map<String, Object> resolved = RecordChunkRunner.resolveParameters(type, request.parameters());
    String paramsHash = StagedRecords.parametersSha256(resolved);
    P parameters = RecordChunkRunner.bindParameters(type, resolved);
    StagingLayout layout = StagingLayout.ofStagingDir(Path.of(request.stagingDir()));
    Path chunksDir = layout.chunksDir();
    try {
      A total = type.newAccumulator(parameters);
      Counts[] counts = {Counts.ZERO};
      List<Integer> merged = new ArrayList<>();
      StagedPlan.Each<ChunkRef> mergeChunk =
          ref -> {
            ChunkSummary s = summary(chunksDir, ref, type.name(), paramsHash);
            for (SegmentInfo seg : s.segments()) {
              byte[] acc = readStaged(StagedRecords.accFile(chunksDir, ref.index(), seg.index()));
              if (acc.length != seg.accBytes() || !Fingerprints.sha256(acc).equals(seg.accSha256())) {
                throw corrupt("staged segment " + seg.index() + " of chunk " + ref.index() + " is corrupt");
              }
              SegmentFile file = StagedRecords.parse(acc);
              total.mergeFrom(new BytesInput(file.accumulator()));
            }
            counts[0] = counts[0].plus(s.counts());
            merged.add(ref.index());
            if (ctx != null) {
              ctx.heartbeat(ref.index());
            }
          };
      // A staged plan is read a block at a time; a request of an earlier version carries its chunks.
      StagedPlan plan =
          request.plan() == null ? null : StagedPlan.open(layout.dir(), request.plan());
      LostSegments.Chunks chunks = each -> {
        if (plan != null) {
          plan.forEachChunk(each);
        } else {
          for (ChunkRef ref : request.chunks()) {
            each.accept(ref);
          }
        }
      };
      chunks.forEach(mergeChunk);
      List<ChunkSummary> summaries = new SummaryList(chunksDir, merged);
      if (request.counts() != null && !request.counts().equals(counts[0])) {
        throw corrupt("staged results hold " + counts[0] + " but the process stage reported " + request.counts());
      }
      LostSegments.reapply(ctx, request.jobId(), type, parameters, chunks, summaries);
      Path out = layout.outDir();
      List<OutputFile> outputs = new ArrayList<>();
      for (String name : type.outputNames()) {
        A result = total;
        outputs.add(write(out, name, stream -> type.writeOutput(name, result, parameters, stream)));
      }
      outputs.add(write(out, REJECTS_JSONL, stream -> copyRejects(chunksDir, summaries, stream)));
      log.info(
          "merged {} chunks of {} job {}: {} rows ({} accepted, {} skipped, {} rejected)",
          summaries.size(), type.name(), request.jobId(), counts[0].rows(), counts[0].accepted(),
          counts[0].skipped(), counts[0].rejected());
      return new MergeResult(List.copyOf(outputs), counts[0]);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e.getCause(), e);
    } catch (RuntimeException e) {
      throw Failures.fromJobType(type, e, "merge of job " + request.jobId());
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

  private static void copyRejects(Path chunksDir, List<ChunkSummary> summaries, OutputStream stream)
      throws IOException {
    for (ChunkSummary s : summaries) {
      for (SegmentInfo seg : s.segments()) {
        byte[] rejects = readStaged(StagedRecords.rejectsFile(chunksDir, s.index(), seg.index()));
        if (rejects.length != seg.rejectsBytes() || !Fingerprints.sha256(rejects).equals(seg.rejectsSha256())) {
          throw corrupt("staged rejects of segment " + seg.index() + " of chunk " + s.index() + " are corrupt");
        }
        stream.write(rejects);
      }
    }
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
