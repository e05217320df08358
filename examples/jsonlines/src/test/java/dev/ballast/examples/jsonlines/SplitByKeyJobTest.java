package dev.ballast.examples.jsonlines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.ballast.job.JobFailure;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink example end to end: plan, chunks, merge and commit through the real activities. */
class SplitByKeyJobTest {
  private static final String[] KEYS = {"alpha", "Beta", "gamma delta", "€uro", "a.b", "x/../y"};
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** An input file and what a correct run makes of it, computed as the file was written. */
  private record Input(Path file, Map<String, Map<String, String>> acceptedById, Map<String, String> keyById,
      long rows, long rejected, List<String> rejectReasons) {}

  /**
   * {@code rows} rows {@code id,key,name,amount}: most with one of {@link #KEYS}, some with an empty
   * or blank key, some with a field too many, some with invalid quoting; names with commas and
   * quotes; a few blank lines (not rows).
   */
  private Input input(int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("id,key,name,amount\n");
    Map<String, Map<String, String>> accepted = new LinkedHashMap<>();
    Map<String, String> keyById = new HashMap<>();
    List<String> reasons = new ArrayList<>();
    long count = 0;
    for (int i = 0; i < rows; i++) {
      String id = "r" + i;
      String name = random.nextInt(5) == 0 ? "Smith, \"Jo\" " + i : "n" + random.nextInt(1000);
      String amount = random.nextInt(100) + "." + random.nextInt(10);
      int kind = random.nextInt(25);
      count++;
      if (kind == 0) {
        csv.append(id).append(",,").append(quote(name)).append(',').append(amount).append('\n');
        reasons.add("MISSING_KEY");
      } else if (kind == 1) {
        csv.append(id).append(",  ,").append(quote(name)).append(',').append(amount).append('\n');
        reasons.add("MISSING_KEY");
      } else if (kind == 2) {
        csv.append(id).append(",alpha,").append(quote(name)).append(',').append(amount).append(",extra\n");
        reasons.add("FIELD_COUNT");
      } else if (kind == 3) {
        csv.append(id).append(",alpha,\"open,").append(amount).append('\n');
        reasons.add("BAD_QUOTING");
      } else if (kind == 4) {
        csv.append('\n');
        count--;
        i--;
      } else {
        String key = KEYS[random.nextInt(KEYS.length)];
        csv.append(id).append(',').append(quote(key)).append(',').append(quote(name)).append(',').append(amount)
            .append('\n');
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("key", key);
        row.put("name", name);
        row.put("amount", amount);
        accepted.put(id, row);
        keyById.put(id, key);
      }
    }
    Path file = Files.writeString(tmp.resolve("in-" + seed + ".csv"), csv);
    return new Input(file, accepted, keyById, count, reasons.size(), reasons);
  }

  private static String quote(String field) {
    return field.contains(",") || field.contains("\"") ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }

  /** Every JSON line under {@code dir}, by the key directory it is in. */
  private static Map<String, List<Map<String, String>>> written(Path dir) throws IOException {
    Map<String, List<Map<String, String>>> byDir = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        Path rel = dir.relativize(f);
        if (rel.startsWith(KeyDirectory.MARKERS)) {
          continue;
        }
        assertTrue(f.getFileName().toString().endsWith(".jsonl") && rel.getNameCount() == 2,
            "only key files under key directories: " + rel);
        for (String line : Files.readAllLines(f)) {
          byDir.computeIfAbsent(rel.getName(0).toString(), k -> new ArrayList<>())
              .add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, String>>() {}));
        }
      }
    }
    return byDir;
  }

  /**
   * Checks that every accepted row of {@code in} was written exactly once, in its key's directory
   * and with its columns in header order, and that {@code keys.csv} counts them.
   */
  private static void assertWrittenOnce(Input in, Path dir, Path out) throws IOException {
    Map<String, List<Map<String, String>>> byDir = written(dir);
    Map<String, Integer> seen = new HashMap<>();
    for (Map.Entry<String, List<Map<String, String>>> e : byDir.entrySet()) {
      for (Map<String, String> row : e.getValue()) {
        String id = row.get("id");
        seen.merge(id, 1, Integer::sum);
        assertEquals(in.acceptedById().get(id), row, "row " + id);
        assertEquals(List.copyOf(in.acceptedById().get(id).keySet()), List.copyOf(row.keySet()), "column order");
        assertEquals(KeyDirectory.encode(in.keyById().get(id)), e.getKey(), "directory of row " + id);
      }
    }
    List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertEquals(List.of(), duplicated, "rows written more than once");
    assertEquals(in.acceptedById().keySet(), seen.keySet(), "every accepted row written");
    Map<String, Long> perKey = new TreeMap<>();
    in.keyById().values().forEach(k -> perKey.merge(k, 1L, Long::sum));
    StringBuilder keys = new StringBuilder("key,rows\n");
    perKey.forEach((k, n) -> keys.append(quote(k)).append(',').append(n).append('\n'));
    assertEquals(keys.toString(), Files.readString(out.resolve(SplitByKeyJobType.OUTPUT)));
  }

  private static JobTypes discovered() {
    return Guice.createInjector(new ActivitiesModule()).getInstance(JobTypes.class);
  }

  private static Map<String, Object> params(Path dir) {
    return Map.of("key", "key", "directory", dir.toString());
  }

  /** The segments whose markers are in {@code dir} for a job, in input order. */
  private static List<Segment> markedSegments(Path dir, String jobId) throws IOException {
    List<long[]> found = new ArrayList<>();
    try (Stream<Path> markers = Files.list(dir.resolve(KeyDirectory.MARKERS).resolve(KeyDirectory.encode(jobId)))) {
      for (Path m : markers.toList()) {
        String[] name = m.getFileName().toString().split("-");
        long end = Long.parseLong(Files.readAllLines(m).get(0).substring("end ".length()));
        found.add(new long[] {Long.parseLong(name[0]), Long.parseLong(name[1]), end});
      }
    }
    found.sort(Comparator.<long[]>comparingLong(f -> f[0]).thenComparingLong(f -> f[1]));
    List<Segment> segments = new ArrayList<>();
    int index = 0;
    for (int i = 0; i < found.size(); i++) {
      index = i > 0 && found.get(i - 1)[0] == found.get(i)[0] ? index + 1 : 0;
      segments.add(new Segment((int) found.get(i)[0], index, found.get(i)[1], found.get(i)[2]));
    }
    return segments;
  }

  @Test
  void workersDiscoverTheJobTypeThroughServiceLoader() {
    JobType<?, ?, ?> type = discovered().get(SplitByKeyJobType.NAME);
    assertTrue(type instanceof SplitByKeyJobType);
    assertEquals(List.of("key", "directory", "columns"),
        TypedParameters.schema(type).stream().map(p -> p.name()).toList());
  }

  @Test
  void writesEveryAcceptedRowOnceInItsKeysDirectory() throws IOException {
    Input in = input(3000, 1);
    Path dir = tmp.resolve("by-key");
    Path out = tmp.resolve("out");
    JobSpec spec = JobHarness.spec("split-1", SplitByKeyJobType.NAME, List.of(in.file()), out, params(dir), 16 << 10);
    try (JobHarness h = new JobHarness(discovered(), 2 << 10)) {
      JobHarness.Run run = h.run(spec);
      assertTrue(run.plan().chunks().size() > 3, "several chunks");
      long accepted = in.acceptedById().size();
      assertEquals(new Counts(in.rows(), accepted, 0, in.rejected()), run.merge().counts());
      assertWrittenOnce(in, dir, out);
      List<String> rejects = Files.readAllLines(out.resolve("rejects.jsonl"));
      assertEquals(in.rejectReasons(),
          rejects.stream().map(r -> r.replaceAll(".*\"reason\":\"([A-Z_]+)\".*", "$1")).toList());
      assertEquals(List.of(), ManifestVerifier.verify(out));
      // One marker per segment, each complete; no temporary file left behind.
      List<Segment> segments = markedSegments(dir, "split-1");
      assertTrue(segments.size() > run.plan().chunks().size(), "several segments per chunk: " + segments.size());
      assertEquals(List.of(), new SplitByKeyJobType().lostSegments("split-1",
          new SplitByKeyJobType.Params("key", dir.toString(), null), segments));
      try (Stream<Path> all = Files.walk(dir)) {
        assertEquals(List.of(), all.filter(p -> p.toString().endsWith(".tmp")).toList());
      }
    }
  }

  @Test
  void writesOnlyTheChosenColumnsInTheirOrder() throws IOException {
    Input in = input(200, 2);
    Path dir = tmp.resolve("by-key");
    JobSpec spec = JobHarness.spec("split-cols", SplitByKeyJobType.NAME, List.of(in.file()), tmp.resolve("out"),
        Map.of("key", "key", "directory", dir.toString(), "columns", List.of("amount", "id")), 4 << 10);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      h.run(spec);
    }
    Map<String, List<Map<String, String>>> byDir = written(dir);
    String id = in.acceptedById().keySet().iterator().next();
    Map<String, String> row = byDir.get(KeyDirectory.encode(in.keyById().get(id))).stream()
        .filter(r -> r.get("id").equals(id)).findFirst().orElseThrow();
    assertEquals(List.of("amount", "id"), List.copyOf(row.keySet()));
    assertEquals(in.acceptedById().get(id).get("amount"), row.get("amount"));
  }

  @Test
  void aCrashAfterASegmentsCommitWritesNoLineTwice() throws IOException {
    Input in = input(2000, 3);
    Path dir = tmp.resolve("by-key");
    Path out = tmp.resolve("out");
    JobSpec spec = JobHarness.spec("split-crash", "split-by-key-crashing", List.of(in.file()), out, params(dir), 1 << 20);
    CrashingSplitByKey crashing = new CrashingSplitByKey();
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(crashing)), 2 << 10)) {
      PlanResult plan = h.plan(spec);
      assertEquals(1, plan.chunks().size());
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> h.chunk(spec, plan, plan.chunks().get(0), null));
      assertEquals("WORKER_DIED", ((ApplicationFailure) failure.getCause()).getType());
      ChunkCheckpoint cp = h.lastCheckpoint();
      // Heartbeats are throttled: the last one the server got names 1 to 3 staged segments, while
      // segments 0 to 3 were committed to the directory.
      assertTrue(cp.segments() >= 1 && cp.segments() <= 3, cp.toString());
      assertEquals(List.of(0, 1, 2, 3), crashing.committed);
      ChunkResult retried = h.chunk(spec, plan, plan.chunks().get(0), cp);
      assertEquals(cp.offset(), retried.resumedFrom());
      assertEquals(cp.segments(), crashing.committed.get(4), "the retry starts at the checkpoint");
      assertTrue(crashing.committed.subList(4, crashing.committed.size()).contains(3), "segment 3 committed again");
      h.finish(spec, plan, List.of(retried));
      assertWrittenOnce(in, dir, out);
    }
  }

  @Test
  void aDeletedSegmentFileIsReportedLostAndWrittenAgain() throws IOException {
    Input in = input(1500, 4);
    Path dir = tmp.resolve("by-key");
    Path out = tmp.resolve("out");
    JobSpec spec = JobHarness.spec("split-lost", SplitByKeyJobType.NAME, List.of(in.file()), out, params(dir), 1 << 20);
    SplitByKeyJobType type = new SplitByKeyJobType();
    SplitByKeyJobType.Params p = new SplitByKeyJobType.Params("key", dir.toString(), null);
    try (JobHarness h = new JobHarness(discovered(), 2 << 10)) {
      PlanResult plan = h.plan(spec);
      h.chunk(spec, plan, plan.chunks().get(0), null);
      List<Segment> segments = markedSegments(dir, "split-lost");
      assertTrue(segments.size() > 6, "segments: " + segments.size());

      // A chunk that finds itself staged but a segment's file gone resumes at that segment.
      Segment third = segments.get(3);
      Path file = keyFileOf(dir, "split-lost", third);
      byte[] before = Files.readAllBytes(file);
      Files.delete(file);
      assertEquals(List.of(third), type.lostSegments("split-lost", p, segments));
      ChunkResult again = h.chunk(spec, plan, plan.chunks().get(0), null);
      assertFalse(again.reused());
      assertEquals(third.start(), again.resumedFrom());
      assertArrayEquals(before, Files.readAllBytes(file));
      assertEquals(List.of(), type.lostSegments("split-lost", p, segments));

      // The merge writes a segment lost after its chunk finished again, before the outputs.
      Segment fifth = segments.get(5);
      Path other = keyFileOf(dir, "split-lost", fifth);
      byte[] otherBefore = Files.readAllBytes(other);
      Files.writeString(other, "truncated\n");
      assertEquals(List.of(fifth), type.lostSegments("split-lost", p, segments));
      h.finish(spec, plan, List.of(again));
      assertArrayEquals(otherBefore, Files.readAllBytes(other));
      assertWrittenOnce(in, dir, out);
    }
  }

  /** One key file of {@code segment}, as its marker names it. */
  private static Path keyFileOf(Path dir, String jobId, Segment segment) throws IOException {
    KeyDirectory keys = new KeyDirectory(dir);
    KeyDirectory.Marker marker = keys.readMarker(jobId, segment);
    return keys.keyFile(jobId, marker.entries().get(0).encodedKey(), segment);
  }

  @Test
  void badParametersAreRefusedByThePlan() throws IOException {
    Input in = input(10, 5);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      String missing = planFailure(h, Map.of("key", "key")).getOriginalMessage();
      assertTrue(missing.contains("split-by-key parameter 'directory' is required (string: "), missing);
      assertTrue(missing.endsWith("allowed: key (string, required), directory (string, required), columns (string list))"),
          missing);
      assertTrue(planFailure(h, Map.of("key", "key", "directory", "relative/dir")).getOriginalMessage()
          .endsWith("split-by-key parameter 'directory' must be an absolute path, not 'relative/dir'"));
      assertTrue(planFailure(h, Map.of("key", "key", "directory", tmp.toString(), "columns", ""))
          .getOriginalMessage().endsWith("'columns' names no column (leave it out to write every column)"));
      assertTrue(planFailure(h, Map.of("key", "key", "directory", tmp.toString(), "kee", "x"))
          .getOriginalMessage().contains("unknown split-by-key parameter 'kee'"));
    }
  }

  private ApplicationFailure planFailure(JobHarness h, Map<String, Object> parameters) throws IOException {
    Path in = Files.writeString(tmp.resolve("p.csv"), "id,key\n1,a\n");
    ActivityFailure e = assertThrows(ActivityFailure.class, () -> h.plan(
        JobHarness.spec("p", SplitByKeyJobType.NAME, List.of(in), tmp.resolve("o"), parameters, 1024)));
    ApplicationFailure f = (ApplicationFailure) e.getCause();
    assertEquals("BAD_SPEC", f.getType(), f.getOriginalMessage());
    return f;
  }

  @Test
  void aMissingKeyColumnFailsThePlanWithBadHeader() throws IOException {
    Input in = input(50, 6);
    Path dir = tmp.resolve("by-key");
    JobSpec spec = JobHarness.spec("split-col", SplitByKeyJobType.NAME, List.of(in.file()), tmp.resolve("out"),
        Map.of("key", "merchant", "directory", dir.toString()), 4 << 10);
    try (JobHarness h = new JobHarness(discovered(), 1 << 10)) {
      ActivityFailure e = assertThrows(ActivityFailure.class, () -> h.plan(spec));
      ApplicationFailure f = (ApplicationFailure) e.getCause();
      assertEquals("BAD_HEADER", f.getType());
      assertEquals("input " + in.file().getFileName() + " lacks column 'merchant' (found: id, key, name, amount)",
          f.getOriginalMessage());
      assertFalse(Files.exists(dir), "nothing written");
    }
  }

  /** The job, its worker dying once right after segment 3 was committed to the directory. */
  static final class CrashingSplitByKey extends SplitByKeyJobType {
    final List<Integer> committed = new ArrayList<>();
    private boolean crashed;

    @Override
    public String name() {
      return "split-by-key-crashing";
    }

    @Override
    public Sink<CsvRow, KeyCounts> sink(ChunkContext<Params> chunk) {
      Sink<CsvRow, KeyCounts> sink = super.sink(chunk);
      return new Sink<>() {
        @Override
        public void write(SourceRecord<CsvRow> record) throws Exception {
          sink.write(record);
        }

        @Override
        public void commit(Segment segment, KeyCounts segmentTotal) throws Exception {
          sink.commit(segment, segmentTotal);
          committed.add(segment.index());
          if (segment.index() == 3 && !crashed) {
            crashed = true;
            throw JobFailure.retryable("WORKER_DIED", "the worker died after committing segment 3", null);
          }
        }
      };
    }
  }
}
