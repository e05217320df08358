package dev.ballast.examples.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.activities.ActivitiesModule;
import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.JobType;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.CsvRow;
import dev.ballast.testkit.JobHarness;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example job end to end: plan, chunks, merge and commit through the real activities. */
class WordCountJobTest {
  private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "Epsilon", "zeta", "a"};

  @TempDir Path tmp;

  /** Writes {@code rows} rows of random words, some blank, some malformed; returns the file. */
  private Path input(int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("id,text\n");
    for (int i = 0; i < rows; i++) {
      int kind = random.nextInt(20);
      if (kind == 0) {
        csv.append(i).append(",\n");
      } else if (kind == 1) {
        csv.append(i).append(",too,many\n");
      } else if (kind == 2) {
        csv.append("\n");
      } else {
        csv.append(i).append(",\"");
        for (int w = random.nextInt(6); w >= 0; w--) {
          csv.append(WORDS[random.nextInt(WORDS.length)]).append(w % 2 == 0 ? ", " : " ");
        }
        csv.append("\"\n");
      }
    }
    return Files.writeString(tmp.resolve("in-" + seed + ".csv"), csv);
  }

  /** An independent count of the words: a line-by-line reading, no chunks. */
  private static String expected(Path file, int minLength) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      int comma = line.indexOf(',');
      if (line.isEmpty() || line.indexOf(',', comma + 1) >= 0 && !line.contains("\"")) {
        continue;
      }
      for (String w : line.substring(comma + 1).replace("\"", "").split("[^A-Za-z0-9]+")) {
        if (!w.isEmpty() && w.length() >= minLength) {
          counts.merge(w.toLowerCase(), 1L, Long::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder("word,count\n");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.append(e.getKey()).append(',').append(e.getValue()).append('\n'));
    return out.toString();
  }

  private static JobTypes discovered() {
    return Guice.createInjector(new ActivitiesModule()).getInstance(JobTypes.class);
  }

  @Test
  void workersDiscoverTheJobTypeThroughItsModule() {
    JobType<?, ?, ?> type = discovered().get(WordCountJobType.NAME);
    assertTrue(type instanceof WordCountJobType);
    assertEquals(List.of("column", "minLength"), TypedParameters.schema(type).stream().map(p -> p.name()).toList());
  }

  @Test
  void runsEndToEndAndPublishesCountsRejectsAndManifest() throws IOException {
    Path in = input(3000, 1);
    Path out = tmp.resolve("out");
    JobSpec spec = JobHarness.spec("wc-1", WordCountJobType.NAME, List.of(in), out, Map.of("minLength", 2), 8 << 10);
    try (JobHarness h = new JobHarness(discovered(), 2 << 10)) {
      JobHarness.Run run = h.run(spec);
      assertTrue(run.plan().chunks().size() > 3, "several chunks");
      assertEquals(expected(in, 2), Files.readString(out.resolve(WordCountJobType.OUTPUT)));
      List<String> lines = Files.readAllLines(in);
      long blankLines = lines.stream().skip(1).filter(String::isEmpty).count();
      long skipped = lines.stream().skip(1).filter(l -> l.endsWith(",")).count();
      long rejected = lines.stream().skip(1).filter(l -> l.endsWith(",too,many")).count();
      assertEquals(new Counts(3000 - blankLines, 3000 - blankLines - skipped - rejected, skipped, rejected),
          run.merge().counts());
      List<String> rejects = Files.readAllLines(out.resolve("rejects.jsonl"));
      assertEquals(rejected, rejects.size());
      int firstBad = lines.indexOf(lines.stream().filter(l -> l.endsWith(",too,many")).findFirst().orElseThrow());
      assertEquals("{\"file\":\"in-1.csv\",\"line\":" + (firstBad + 1) + ",\"reason\":\"FIELD_COUNT\",\"raw\":\""
          + lines.get(firstBad) + "\"}", rejects.get(0));
      assertEquals(List.of(), ManifestVerifier.verify(out));
    }
  }

  @Test
  void aRetriedChunkResumesFromItsCheckpointAndCountsNothingTwice() throws IOException {
    Path in = input(2000, 2);
    JobSpec spec = JobHarness.spec("wc-crash", "wordcount-crashing", List.of(in), tmp.resolve("out"), Map.of(), 1 << 20);
    CrashingWordCount crashing = new CrashingWordCount();
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(crashing)), 4 << 10)) {
      PlanResult plan = h.plan(spec);
      assertEquals(1, plan.chunks().size());
      assertThrows(ActivityFailure.class, () -> h.chunk(spec, plan, plan.chunks().get(0), null));
      ChunkCheckpoint cp = h.lastCheckpoint();
      // Heartbeats are throttled: the last one the server got names 1 to 3 staged segments.
      assertTrue(cp.segments() >= 1 && cp.segments() <= 3, cp.toString());
      ChunkResult retried = h.chunk(spec, plan, plan.chunks().get(0), cp);
      assertEquals(cp.offset(), retried.resumedFrom());
      assertEquals(List.of(0, 1, 2, 3), crashing.finished.subList(0, 4), "segment 3 crashed");
      assertEquals(cp.segments(), crashing.finished.get(4), "the retry starts at the checkpoint");
      assertTrue(crashing.finished.size() > 6, "the retry went on to the chunk's end");
      h.finish(spec, plan, List.of(retried));
      assertEquals(expected(in, 1), Files.readString(tmp.resolve("out").resolve(WordCountJobType.OUTPUT)));
    }
  }

  @Test
  void aSecondRunReusesStagedChunks() throws IOException {
    Path in = input(500, 3);
    JobSpec spec = JobHarness.spec("wc-again", WordCountJobType.NAME, List.of(in), tmp.resolve("out"), Map.of(), 4 << 10);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      PlanResult plan = h.plan(spec);
      ChunkResult first = h.chunk(spec, plan, plan.chunks().get(0), null);
      ChunkResult again = h.chunk(spec, plan, plan.chunks().get(0), null);
      assertFalse(first.reused());
      assertTrue(again.reused());
      assertEquals(first.counts(), again.counts());
    }
  }

  @Test
  void aMissingColumnFailsWithBadHeader() throws IOException {
    Path in = input(50, 4);
    JobSpec spec = JobHarness.spec("wc-col", WordCountJobType.NAME, List.of(in), tmp.resolve("out"),
        Map.of("column", "body"), 4 << 10);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      // The header check sees the parameters: the plan stage fails, before any chunk runs.
      ActivityFailure e = assertThrows(ActivityFailure.class, () -> h.plan(spec));
      ApplicationFailure f = (ApplicationFailure) e.getCause();
      assertEquals("BAD_HEADER", f.getType());
      assertEquals("input " + in.getFileName() + " lacks column 'body' (found: id, text)", f.getOriginalMessage());
    }
  }

  @Test
  void unknownOrMistypedParametersAreRejectedByThePlan() throws IOException {
    Path in = input(10, 5);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      ActivityFailure unknown = assertThrows(ActivityFailure.class, () -> h.plan(
          JobHarness.spec("p1", WordCountJobType.NAME, List.of(in), tmp.resolve("o"), Map.of("colum", "x"), 1024)));
      assertTrue(unknown.getCause().getMessage().contains("unknown wordcount parameter 'colum' (allowed: column (string, default text), minLength (integer, default 1))"),
          unknown.getCause().getMessage());
      ActivityFailure mistyped = assertThrows(ActivityFailure.class, () -> h.plan(
          JobHarness.spec("p2", WordCountJobType.NAME, List.of(in), tmp.resolve("o"), Map.of("minLength", "x"), 1024)));
      assertTrue(mistyped.getCause().getMessage().contains("'minLength' must be a integer"), mistyped.getCause().getMessage());
    }
  }

  /** The word count, failing once in segment 3: a worker dying mid-chunk. */
  static final class CrashingWordCount extends WordCountJobType {
    final List<Integer> finished = new ArrayList<>();
    private boolean crashed;

    @Override
    public String name() {
      return "wordcount-crashing";
    }

    /** A sink that writes nothing: its commit is where a segment is finished. */
    @Override
    public Sink<CsvRow, WordCounts> sink(ChunkContext<Params> chunk) {
      return new Sink<>() {
        @Override
        public void write(SourceRecord<CsvRow> record) {}

        @Override
        public void commit(Segment segment, WordCounts segmentTotal) {
          finished.add(segment.index());
          if (segment.index() == 3 && !crashed) {
            crashed = true;
            throw new IllegalStateException("worker died");
          }
        }
      };
    }
  }
}
