package dev.ballast.jobs.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.Counts;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.stage.StagedRecords;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.Line;
import dev.ballast.job.source.LineSource;
import dev.ballast.samples.SampleGenerator;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import java.util.zip.Checksum;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChunkActivitiesImplTest {
  private static final int SEGMENT = 4096;

  @TempDir Path dir;
  private Path input;
  private ChunkRef chunk;

  @BeforeEach
  void setUp() throws IOException {
    input = dir.resolve("in").resolve("orders.csv");
    Files.createDirectories(input.getParent());
    SampleGenerator.write(input, 3000, 42);
    List<ChunkRef> refs = SettlementHarness.plan(List.of(input), Long.MAX_VALUE);
    assertEquals(1, refs.size());
    chunk = refs.get(0);
  }

  private Path staging(String name) {
    return SettlementHarness.stagingDir(dir.resolve("out-" + name), "job");
  }

  private static Path chunksDir(Path staging) {
    return StagingLayout.ofStagingDir(staging).chunksDir();
  }

  /** File name → (file key, content) of every staged file. */
  private static Map<String, String> snapshot(Path chunksDir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(chunksDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Object key = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
        out.put(f.getFileName().toString(), key + "/" + dev.ballast.engine.files.Fingerprints.sha256(Files.readAllBytes(f)));
      }
    }
    return out;
  }

  /** The checkpoint an attempt heartbeats after staging {@code segments} segments. */
  private ChunkCheckpoint checkpointAfter(Path staging, int segments) throws IOException {
    Path chunks = chunksDir(staging);
    long offset = chunk.start();
    long line = chunk.firstLine();
    Counts counts = Counts.ZERO;
    for (int s = 0; s < segments; s++) {
      StagedRecords.SegmentFile h =
          StagedRecords.parse(Files.readAllBytes(StagedRecords.accFile(chunks, chunk.index(), s)));
      assertEquals(offset, h.start());
      offset = h.end();
      line = h.nextLine();
      counts = counts.plus(h.counts());
    }
    return new ChunkCheckpoint(offset, line, segments, counts);
  }

  private static int segmentCount(Path staging, int chunkIndex) {
    return StagedRecords.readSummary(chunksDir(staging), chunkIndex).segments().size();
  }

  /** The application failure a chunk attempt with {@code parameters} ends with; it must fail. */
  private static ApplicationFailure chunkFailure(
      SettlementHarness h, Path staging, Map<String, Object> parameters, ChunkRef ref) {
    ActivityFailure e =
        assertThrows(ActivityFailure.class, () -> h.chunks().processChunk(h.task(staging, parameters, ref)));
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  @Test
  void heartbeatsCheckpointsAndResumedAttemptKeepsEarlierSegments() throws IOException {
    List<ChunkCheckpoint> beats = Collections.synchronizedList(new ArrayList<>());
    SettlementHarness.Run baseline;
    Path full = staging("full");
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setActivityHeartbeatListener(ChunkCheckpoint.class, beats::add);
      baseline = h.run(full, Map.of(), List.of(chunk));
    }
    int segments = segmentCount(full, chunk.index());
    assertTrue(segments >= 10, "segments: " + segments);
    // Heartbeats are throttled by the SDK; each one that got through is a true checkpoint.
    assertFalse(beats.isEmpty());
    for (ChunkCheckpoint beat : beats) {
      assertEquals(checkpointAfter(full, beat.segments()), beat);
    }

    // A crashed attempt: it staged segments up to a checkpoint, nothing after, no summary.
    ChunkCheckpoint cp = checkpointAfter(full, segments / 2);
    assertTrue(cp.offset() > chunk.start() && cp.offset() < chunk.end());
    Path resumed = staging("resumed");
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.chunks().processChunk(h.task(resumed, Map.of(), chunk));
    }
    Path chunks = chunksDir(resumed);
    Files.delete(StagedRecords.summaryFile(chunks, chunk.index()));
    for (int s = cp.segments(); Files.exists(StagedRecords.accFile(chunks, chunk.index(), s)); s++) {
      Files.delete(StagedRecords.accFile(chunks, chunk.index(), s));
      Files.delete(StagedRecords.rejectsFile(chunks, chunk.index(), s));
    }
    Map<String, String> kept = snapshot(chunks);
    assertEquals(2 * cp.segments(), kept.size());

    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setHeartbeatDetails(cp);
      ChunkResult r = h.chunks().processChunk(h.task(resumed, Map.of(), chunk));
      assertEquals(cp.offset(), r.resumedFrom());
      assertEquals(baseline.counts(), r.counts());
      assertEquals(0, r.redoneBytes());
      assertFalse(r.reused());
      // The segments before the checkpoint were neither reprocessed nor rewritten.
      Map<String, String> after = snapshot(chunks);
      after.keySet().retainAll(kept.keySet());
      assertEquals(kept, after);
      SettlementHarness.Run merged = h.merge(resumed, Map.of(), List.of(chunk), r.counts(), List.of(r));
      assertEquals(baseline.settlementCsv(), merged.settlementCsv());
      assertEquals(baseline.rejectsJsonl(), merged.rejectsJsonl());
      assertEquals(baseline.merge().outputs(), merged.merge().outputs());
    }
  }

  /**
   * A rejected record goes back from the per-record loop to the segment's, which writes it and
   * then ends the segment if the record was its last: however the chunk is cut in segments, every
   * reject is staged once, in the segment holding its line. Several segment sizes make segments
   * that end on a rejected record (asserted, so that the case this guards is really run).
   */
  @Test
  void rejectsAreStagedOnceInTheirSegmentWhereverSegmentsEnd() throws IOException {
    SettlementHarness.Run whole;
    try (SettlementHarness h = new SettlementHarness(Integer.MAX_VALUE)) {
      whole = h.run(staging("whole"), Map.of(), List.of(chunk));
    }
    assertTrue(whole.counts().rejected() > 50, "rejected: " + whole.counts().rejected());
    int endingOnAReject = 0;
    for (int segmentBytes : new int[] {1000, 1301, 2048, 3001, 4096}) {
      Path staging = staging("segments-" + segmentBytes);
      SettlementHarness.Run run;
      try (SettlementHarness h = new SettlementHarness(segmentBytes)) {
        run = h.run(staging, Map.of(), List.of(chunk));
      }
      assertEquals(whole.counts(), run.counts(), "segments of " + segmentBytes + " bytes");
      assertEquals(whole.rejectsJsonl(), run.rejectsJsonl(), "segments of " + segmentBytes + " bytes");
      Path chunks = chunksDir(staging);
      int segments = segmentCount(staging, chunk.index());
      for (int s = 0; s < segments; s++) {
        StagedRecords.SegmentFile seg =
            StagedRecords.parse(Files.readAllBytes(StagedRecords.accFile(chunks, chunk.index(), s)));
        List<Long> lines = rejectedLines(StagedRecords.rejectsFile(chunks, chunk.index(), s));
        assertEquals(seg.counts().rejected(), lines.size(), "segment " + s + " of " + segmentBytes + " bytes");
        for (long line : lines) {
          assertTrue(line >= seg.firstLine() && line < seg.nextLine(),
              "line " + line + " staged in segment " + s + " [" + seg.firstLine() + ", " + seg.nextLine() + ")");
        }
        if (!lines.isEmpty() && lines.get(lines.size() - 1) == seg.nextLine() - 1) {
          endingOnAReject++;
        }
      }
    }
    assertTrue(endingOnAReject > 0, "no segment ended on a rejected record");
  }

  /** The line numbers of a staged rejects file, in order. */
  private static List<Long> rejectedLines(Path rejectsFile) throws IOException {
    List<Long> lines = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\{\"file\":\"[^\"]*\",\"line\":(\\d+),")
            .matcher(Files.readString(rejectsFile, StandardCharsets.UTF_8));
    while (m.find()) {
      lines.add(Long.parseLong(m.group(1)));
    }
    return lines;
  }

  @Test
  void segmentsStagedPastTheCheckpointCountAsRedone() throws IOException {
    List<ChunkCheckpoint> beats = Collections.synchronizedList(new ArrayList<>());
    Path staging = staging("redo");
    Counts counts;
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setActivityHeartbeatListener(ChunkCheckpoint.class, beats::add);
      counts = h.chunks().processChunk(h.task(staging, Map.of(), chunk)).counts();
    }
    Files.delete(StagedRecords.summaryFile(chunksDir(staging), chunk.index()));
    ChunkCheckpoint cp = checkpointAfter(staging, 2);
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setHeartbeatDetails(cp);
      ChunkResult r = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      assertEquals(cp.offset(), r.resumedFrom());
      assertEquals(chunk.end() - cp.offset(), r.redoneBytes());
      assertEquals(counts, r.counts());
    }
  }

  @Test
  void checkpointWhoseSegmentsAreGoneRestartsTheChunk() throws IOException {
    List<ChunkCheckpoint> beats = Collections.synchronizedList(new ArrayList<>());
    SettlementHarness.Run baseline;
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setActivityHeartbeatListener(ChunkCheckpoint.class, beats::add);
      baseline = h.run(staging("base"), Map.of(), List.of(chunk));
    }
    Path fresh = staging("fresh");
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setHeartbeatDetails(checkpointAfter(staging("base"), 3));
      ChunkResult r = h.chunks().processChunk(h.task(fresh, Map.of(), chunk));
      assertEquals(chunk.start(), r.resumedFrom());
      SettlementHarness.Run run = h.merge(fresh, Map.of(), List.of(chunk), r.counts(), List.of(r));
      assertEquals(baseline.settlementCsv(), run.settlementCsv());
      assertEquals(baseline.rejectsJsonl(), run.rejectsJsonl());
    }
  }

  @Test
  void checkpointDisagreeingWithStagedSegmentsRestartsTheChunk() throws IOException {
    Path staging = staging("disagree");
    Counts counts;
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      counts = h.chunks().processChunk(h.task(staging, Map.of(), chunk)).counts();
    }
    Files.delete(StagedRecords.summaryFile(chunksDir(staging), chunk.index()));
    ChunkCheckpoint good = checkpointAfter(staging, 3);
    List<ChunkCheckpoint> bad =
        List.of(
            new ChunkCheckpoint(good.offset(), good.line() + 1, good.segments(), good.counts()),
            new ChunkCheckpoint(good.offset() + 1, good.line(), good.segments(), good.counts()),
            new ChunkCheckpoint(good.offset(), good.line(), good.segments(), good.counts().plus(new Counts(1, 1, 0, 0))),
            new ChunkCheckpoint(chunk.end() + 5, good.line(), good.segments(), good.counts()));
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      for (ChunkCheckpoint cp : bad) {
        h.env().setHeartbeatDetails(cp);
        ChunkResult r = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
        assertEquals(chunk.start(), r.resumedFrom(), cp.toString());
        assertEquals(counts, r.counts());
        Files.delete(StagedRecords.summaryFile(chunksDir(staging), chunk.index()));
      }
      // The same attempt machinery does resume from the true checkpoint.
      h.env().setHeartbeatDetails(good);
      assertEquals(good.offset(), h.chunks().processChunk(h.task(staging, Map.of(), chunk)).resumedFrom());
    }
  }

  @Test
  void retryOverwritesStagedFilesAndFinishedChunkIsReused() throws IOException {
    Path staging = staging("retry");
    Path chunks = chunksDir(staging);
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      ChunkResult first = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      assertFalse(first.reused());
      Map<String, String> once = snapshot(chunks);
      SettlementHarness.Run a = h.merge(staging, Map.of(), List.of(chunk), first.counts(), List.of(first));

      Files.delete(StagedRecords.summaryFile(chunks, chunk.index()));
      ChunkResult second = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      assertFalse(second.reused());
      assertEquals(first.counts(), second.counts());
      Map<String, String> twice = snapshot(chunks);
      assertEquals(once.keySet(), twice.keySet(), "same files, no duplicates or leftovers");
      assertTrue(once.keySet().stream().noneMatch(n -> n.contains(".tmp")));
      for (String name : once.keySet()) {
        String[] x = once.get(name).split("/");
        String[] y = twice.get(name).split("/");
        assertEquals(x[x.length - 1], y[y.length - 1], name + " has the same content");
      }
      SettlementHarness.Run b = h.merge(staging, Map.of(), List.of(chunk), second.counts(), List.of(second));
      assertEquals(a.settlementCsv(), b.settlementCsv());
      assertEquals(a.rejectsJsonl(), b.rejectsJsonl());

      ChunkResult third = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      assertTrue(third.reused());
      assertEquals(first.counts(), third.counts());
      assertEquals(twice, snapshot(chunks), "a reused chunk rewrites nothing");

      // Different rates: the staged result does not apply.
      ChunkResult other =
          h.chunks().processChunk(h.task(staging, Map.of("rates", Map.of("USD", 1)), chunk));
      assertFalse(other.reused());
    }
  }

  @Test
  void corruptStagedSegmentIsNotReused() throws IOException {
    Path staging = staging("corrupt");
    Path chunks = chunksDir(staging);
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      ChunkResult first = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      Path rejects = StagedRecords.rejectsFile(chunks, chunk.index(), 0);
      Files.write(rejects, "tampered\n".getBytes(StandardCharsets.UTF_8));
      ChunkResult again = h.chunks().processChunk(h.task(staging, Map.of(), chunk));
      assertFalse(again.reused());
      assertEquals(first.counts(), again.counts());
      assertTrue(h.chunks().processChunk(h.task(staging, Map.of(), chunk)).reused());
    }
  }

  @Test
  void changedInputFailsNonRetryably() throws IOException {
    byte[] b = Files.readAllBytes(input);
    int at = (int) (chunk.start() + chunk.end()) / 2;
    b[at] = (byte) (b[at] == '7' ? '8' : '7');
    Files.write(input, b);
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      ApplicationFailure f = chunkFailure(h, staging("changed"), Map.of(), chunk);
      assertEquals(ErrorType.INPUT_CHANGED.name(), f.getType());
      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains("orders.csv"), f.getOriginalMessage());
    }
  }

  @Test
  void inputChangedBeforeTheCheckpointFailsTheResumedAttempt() throws IOException {
    Path resumed = staging("changed-before-checkpoint");
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.chunks().processChunk(h.task(resumed, Map.of(), chunk));
    }
    Path chunks = chunksDir(resumed);
    ChunkCheckpoint cp = checkpointAfter(resumed, segmentCount(resumed, chunk.index()) / 2);
    Files.delete(StagedRecords.summaryFile(chunks, chunk.index()));
    for (int s = cp.segments(); Files.exists(StagedRecords.accFile(chunks, chunk.index(), s)); s++) {
      Files.delete(StagedRecords.accFile(chunks, chunk.index(), s));
      Files.delete(StagedRecords.rejectsFile(chunks, chunk.index(), s));
    }
    // A digit the resumed attempt does not read as rows: it was in a segment staged before the checkpoint.
    changeDigitAtOrAfter(chunk.start() + 100);
    assertTrue(chunk.start() + 200 < cp.offset(), "checkpoint at " + cp.offset());
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setHeartbeatDetails(cp);
      ApplicationFailure f = chunkFailure(h, resumed, Map.of(), chunk);
      assertEquals(ErrorType.INPUT_CHANGED.name(), f.getType());
      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains("CRC-32C"), f.getOriginalMessage());
    }
  }

  @Test
  void sourceThatDoesNotPassItsBytesOnHasTheChunkReadAgain() throws IOException {
    ChunkResult expected;
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      expected = h.chunks().processChunk(h.task(staging("plain"), Map.of(), chunk));
    }
    for (boolean lies : new boolean[] {false, true}) {
      try (SettlementHarness h = new SettlementHarness(SEGMENT, OwnSourceSettlement.opaque(lies))) {
        ChunkResult r = h.chunks().processChunk(h.task(staging("opaque-" + lies), Map.of(), chunk));
        assertEquals(expected.counts(), r.counts(), "lies: " + lies);
      }
    }
    changeDigitAtOrAfter((chunk.start() + chunk.end()) / 2);
    for (boolean lies : new boolean[] {false, true}) {
      try (SettlementHarness h = new SettlementHarness(SEGMENT, OwnSourceSettlement.opaque(lies))) {
        ApplicationFailure f = chunkFailure(h, staging("opaque-changed-" + lies), Map.of(), chunk);
        assertEquals(ErrorType.INPUT_CHANGED.name(), f.getType(), "lies: " + lies);
      }
    }
  }

  @Test
  void sourcePassingItsBytesOnOutOfOrderFailsTheChunkNamingIt() throws IOException {
    try (SettlementHarness h = new SettlementHarness(SEGMENT, OwnSourceSettlement.scrambling())) {
      ApplicationFailure f = chunkFailure(h, staging("scrambled"), Map.of(), chunk);
      assertEquals(ErrorType.INPUT_CHANGED.name(), f.getType());
      assertTrue(f.getOriginalMessage().contains("now have the planned " + chunk.crc32c()), f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("RecordSource.feedChecksum"), f.getOriginalMessage());
    }
  }

  /** Swaps the first digit at or after {@code offset} of the input for another digit. */
  private void changeDigitAtOrAfter(long offset) throws IOException {
    byte[] b = Files.readAllBytes(input);
    int at = (int) offset;
    while (b[at] < '0' || b[at] > '9') {
      at++;
    }
    b[at] = (byte) (b[at] == '7' ? '8' : '7');
    Files.write(input, b);
  }

  /**
   * Settlement read through a source of its own, a {@link LineSource} behind a wrapper whose
   * {@code feedChecksum} is {@code feed}: given the line source and the engine's checksum, it
   * passes the bytes on (or not) and answers.
   */
  private static final class OwnSourceSettlement extends SettlementJobType {
    private final BiPredicate<LineSource, Checksum> feed;

    OwnSourceSettlement(BiPredicate<LineSource, Checksum> feed) {
      this.feed = feed;
    }

    /** Says it cannot pass its bytes on, or (when it {@code lies}) that it will, and passes none. */
    static OwnSourceSettlement opaque(boolean lies) {
      return new OwnSourceSettlement((lines, checksum) -> lies);
    }

    /** Passes every byte on once, but each read's bytes in reverse order. */
    static OwnSourceSettlement scrambling() {
      return new OwnSourceSettlement((lines, checksum) -> lines.feedChecksum(new Checksum() {
        @Override
        public void update(int b) {
          checksum.update(b);
        }

        @Override
        public void update(byte[] b, int off, int len) {
          for (int i = off + len - 1; i >= off; i--) {
            checksum.update(b[i]);
          }
        }

        @Override
        public long getValue() {
          return checksum.getValue();
        }

        @Override
        public void reset() {
          checksum.reset();
        }
      }));
    }

    @Override
    public RecordSource<Line> open(Path file, Cursor from, long end, ChunkContext<SettlementParameters> chunk)
        throws IOException {
      LineSource lines = LineSource.open(file, from, end);
      return new RecordSource<>() {
        @Override
        public SourceRecord<Line> next() throws IOException {
          return lines.next();
        }

        @Override
        public Cursor position() {
          return lines.position();
        }

        @Override
        public boolean feedChecksum(Checksum checksum) {
          return feed.test(lines, checksum);
        }

        @Override
        public void close() throws IOException {
          lines.close();
        }
      };
    }
  }

  @Test
  void truncatedOrMissingInputFailsNonRetryably() throws IOException {
    byte[] b = Files.readAllBytes(input);
    Files.write(input, java.util.Arrays.copyOf(b, b.length - 10));
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      ApplicationFailure shorter = chunkFailure(h, staging("short"), Map.of(), chunk);
      assertEquals(ErrorType.INPUT_CHANGED.name(), shorter.getType());
      Files.delete(input);
      ApplicationFailure missing = chunkFailure(h, staging("gone"), Map.of(), chunk);
      assertEquals(ErrorType.INPUT_CHANGED.name(), missing.getType());
      assertTrue(missing.isNonRetryable());
    }
  }

  @Test
  void headerWithoutRequiredColumnFailsWithBadHeader() throws IOException {
    Path file = dir.resolve("in").resolve("bad.csv");
    Files.writeString(file, "txn_id,merchant_id,currency,status,created_at\nt,m,USD,SETTLED,x\n");
    ChunkRef ref = SettlementHarness.plan(List.of(file), 1000).get(0);
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      ApplicationFailure f = chunkFailure(h, staging("hdr"), Map.of(), ref);
      assertEquals(ErrorType.BAD_HEADER.name(), f.getType());
      assertTrue(f.getOriginalMessage().contains("'amount'"), f.getOriginalMessage());
      ApplicationFailure spec = chunkFailure(h, staging("spec"), Map.of("bogus", 1), ref);
      assertEquals(ErrorType.BAD_SPEC.name(), spec.getType());
    }
  }

  @Test
  void cancellationReachesTheActivityThroughItsHeartbeat() throws IOException {
    try (SettlementHarness h = new SettlementHarness(SEGMENT)) {
      h.env().setActivityHeartbeatListener(ChunkCheckpoint.class, cp -> h.env().requestCancelActivity());
      Path staging = staging("cancel");
      io.temporal.failure.CanceledFailure e =
          assertThrows(
              io.temporal.failure.CanceledFailure.class,
              () -> h.chunks().processChunk(h.task(staging, Map.of(), chunk)));
      assertFalse(
          Files.exists(StagedRecords.summaryFile(chunksDir(staging), chunk.index())),
          "a cancelled chunk is not finished: " + e);
    }
  }
}
