package dev.ballast.activities;

import dev.ballast.activities.files.Fingerprints;
import dev.ballast.activities.files.AtomicFiles;
import dev.ballast.activities.files.StagingLayout;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.settlement.Aggregates;
import dev.ballast.activities.settlement.SettlementJobType;
import dev.ballast.activities.settlement.StagedChunks;
import dev.ballast.activities.stage.RecordJobType;
import dev.ballast.activities.stage.RecordMerger;
import dev.ballast.activities.settlement.StagedChunks.ChunkSummary;
import dev.ballast.activities.settlement.StagedChunks.SegmentInfo;
import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.OutputFile;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the staged chunk results into the job's staged outputs, {@code out/settlement.csv} and
 * {@code out/rejects.jsonl}, each written atomically.
 *
 * <p>Chunks are read in the request's order. Each chunk's summary must match its {@link ChunkRef}
 * and the job's rates, and each segment file its recorded size and SHA-256; otherwise the merge
 * fails with {@code STAGED_RESULT_CORRUPT}. Totals are combined in memory (one entry per merchant
 * and date); rejects are streamed, segment after segment, so they are never held in memory. The
 * summed counts must equal the request's. Heartbeats once per chunk.
 */
public class MergeActivitiesImpl implements MergeActivities {
  /** Name of the merged totals. */
  public static final String SETTLEMENT_CSV = "settlement.csv";
  /** Name of the merged rejects. */
  public static final String REJECTS_JSONL = "rejects.jsonl";

  private static final Logger log = LoggerFactory.getLogger(MergeActivitiesImpl.class);

  private final JobTypes jobTypes;

  @Inject
  public MergeActivitiesImpl(JobTypes jobTypes) {
    this.jobTypes = jobTypes;
  }

  @Override
  public MergeResult merge(MergeRequest request) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    RecordJobType<?, ?> generic = ChunkActivitiesImpl.recordJob(jobTypes, request.type());
    if (generic != null) {
      return new RecordMerger().merge(ctx, request, generic);
    }
    SettlementJobType type = ChunkActivitiesImpl.settlement(jobTypes, request.type());
    Map<String, BigDecimal> rates;
    try {
      rates = type.rates(request.parameters());
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
    String ratesHash = StagedChunks.ratesSha256(rates);
    StagingLayout layout = StagingLayout.ofStagingDir(Path.of(request.stagingDir()));
    Path chunksDir = layout.chunksDir();
    try {
      Aggregates totals = new Aggregates();
      Counts counts = Counts.ZERO;
      ChunkSummary[] summaries = new ChunkSummary[request.chunks().size()];
      for (int i = 0; i < summaries.length; i++) {
        ChunkRef ref = request.chunks().get(i);
        ChunkSummary s = StagedChunks.readSummary(chunksDir, ref.index());
        if (!StagedChunks.matches(s, ref, ratesHash)) {
          throw corrupt("chunk " + ref.index() + " has no valid staged summary");
        }
        for (SegmentInfo seg : s.segments()) {
          byte[] agg = readStaged(StagedChunks.aggFile(chunksDir, ref.index(), seg.index()));
          if (agg.length != seg.aggBytes() || !Fingerprints.sha256(agg).equals(seg.aggSha256())) {
            throw corrupt("staged segment " + seg.index() + " of chunk " + ref.index() + " is corrupt");
          }
          StagedChunks.readSegment(agg, totals);
        }
        counts = counts.plus(s.counts());
        summaries[i] = s;
        ctx.heartbeat(i);
      }
      if (request.counts() != null && !request.counts().equals(counts)) {
        throw corrupt(
            "staged results hold " + counts + " but the process stage reported " + request.counts());
      }

      Path out = layout.outDir();
      OutputFile csvFile = write(out, SETTLEMENT_CSV, totals::writeCsv);
      OutputFile rejectsFile =
          write(out, REJECTS_JSONL, stream -> copyRejects(ctx, chunksDir, summaries, stream));

      log.info(
          "merged {} chunks: {} groups, {} rows ({} accepted, {} pending, {} rejected)",
          summaries.length, totals.size(), counts.rows(), counts.accepted(), counts.pending(),
          counts.rejected());
      return new MergeResult(List.of(csvFile, rejectsFile), counts);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw Failures.of(ErrorType.IO, "merge of job " + request.jobId() + ": " + e.getCause(), e);
    } catch (ArithmeticException e) {
      throw ChunkActivitiesImpl.overflow(e);
    }
  }

  private static void copyRejects(
      ActivityExecutionContext ctx, Path chunksDir, ChunkSummary[] summaries, OutputStream stream)
      throws IOException {
    byte[] buf = new byte[64 << 10];
    for (int i = 0; i < summaries.length; i++) {
      ChunkSummary s = summaries[i];
      for (SegmentInfo seg : s.segments()) {
        Path file = StagedChunks.rejectsFile(chunksDir, s.index(), seg.index());
        MessageDigest sha = Fingerprints.sha256Digest();
        long bytes = 0;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            stream.write(buf, 0, n);
            bytes += n;
          }
        } catch (NoSuchFileException e) {
          throw corrupt("staged rejects of segment " + seg.index() + " of chunk " + s.index() + " are missing");
        }
        if (bytes != seg.rejectsBytes()
            || !HexFormat.of().formatHex(sha.digest()).equals(seg.rejectsSha256())) {
          throw corrupt("staged rejects of segment " + seg.index() + " of chunk " + s.index() + " are corrupt");
        }
      }
      ctx.heartbeat(i);
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
