package dev.ballast.jobs.settlement;

import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.activities.MergeActivitiesImpl;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.activity.MergeActivities;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.jobs.settlement.SettlementJobType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * Runs settlement jobs through the real chunk and merge activities in a {@link
 * TestActivityEnvironment}, with a plan computed here (line-aligned chunks and their CRC-32C).
 */
public final class SettlementHarness implements AutoCloseable {
  /** The outputs and reports of one job run. */
  public record Run(
      String settlementCsv, String rejectsJsonl, Counts counts, List<ChunkResult> chunks,
      MergeResult merge) {}

  private final TestActivityEnvironment env;
  private final ChunkActivities chunks;
  private final MergeActivities merge;

  public SettlementHarness(int segmentBytes) {
    this(segmentBytes, new SettlementJobType());
  }

  /** A harness running {@code type} (settlement, or a variation of it) as the job's type. */
  public SettlementHarness(int segmentBytes, SettlementJobType type) {
    env = TestActivityEnvironment.newInstance();
    JobTypes types = new JobTypes(Set.of(type));
    env.registerActivitiesImplementations(
        new ChunkActivitiesImpl(types, segmentBytes), new MergeActivitiesImpl(types));
    ActivityOptions options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    chunks = env.newActivityStub(ChunkActivities.class, options);
    merge = env.newActivityStub(MergeActivities.class, options);
  }

  public TestActivityEnvironment env() {
    return env;
  }

  public ChunkActivities chunks() {
    return chunks;
  }

  public MergeActivities merge() {
    return merge;
  }

  /** A staging directory for job {@code jobId} under {@code outputDir}. */
  public static Path stagingDir(Path outputDir, String jobId) {
    return StagingLayout.forJob(outputDir, jobId).dir();
  }

  /** Plans chunks of about {@code chunkBytes}. */
  public static List<ChunkRef> plan(List<Path> files, long chunkBytes) throws IOException {
    return plan(files, pos -> chunkBytes);
  }

  /**
   * Plans line-aligned chunks: each ends at the first line end at or after {@code start +
   * size(start)}; the header line is never in a chunk.
   */
  public static List<ChunkRef> plan(List<Path> files, LongUnaryOperator size) throws IOException {
    List<ChunkRef> refs = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      byte[] b = Files.readAllBytes(file);
      int pos = indexOf(b, 0);
      pos = pos < 0 ? b.length : pos + 1;
      long line = 2;
      while (pos < b.length) {
        long target = pos + Math.min(b.length, Math.max(1, size.applyAsLong(pos)));
        int end;
        if (target >= b.length) {
          end = b.length;
        } else {
          int lf = indexOf(b, (int) target - 1);
          end = lf < 0 ? b.length : lf + 1;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, pos, end - pos);
        refs.add(
            new ChunkRef(
                refs.size(), f, file.toAbsolutePath().toString(), file.getFileName().toString(),
                pos, end, line, String.format("%08x", crc.getValue())));
        for (int i = pos; i < end; i++) {
          if (b[i] == '\n') {
            line++;
          }
        }
        pos = end;
      }
    }
    return refs;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  public ChunkTask task(Path stagingDir, Map<String, Object> parameters, ChunkRef ref) {
    return new ChunkTask("job", SettlementJobType.NAME, stagingDir.toString(), parameters, ref);
  }

  /** Processes every chunk, then merges, and reads the merged outputs. */
  public Run run(Path stagingDir, Map<String, Object> parameters, List<ChunkRef> refs) throws IOException {
    List<ChunkResult> results = new ArrayList<>();
    Counts counts = Counts.ZERO;
    for (ChunkRef ref : refs) {
      ChunkResult r = chunks.processChunk(task(stagingDir, parameters, ref));
      results.add(r);
      counts = counts.plus(r.counts());
    }
    return merge(stagingDir, parameters, refs, counts, results);
  }

  /** Merges already processed chunks. */
  public Run merge(
      Path stagingDir, Map<String, Object> parameters, List<ChunkRef> refs, Counts counts,
      List<ChunkResult> results) throws IOException {
    MergeResult m =
        merge.merge(
            new MergeRequest("job", SettlementJobType.NAME, stagingDir.toString(), parameters, refs, counts));
    Path out = StagingLayout.ofStagingDir(stagingDir).outDir();
    return new Run(
        Files.readString(out.resolve("settlement.csv"), StandardCharsets.UTF_8),
        Files.readString(out.resolve("rejects.jsonl"), StandardCharsets.UTF_8),
        m.counts(), results, m);
  }

  @Override
  public void close() {
    env.close();
  }
}
