package dev.ballast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.params.Parameter;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.engine.stage.StagedRecords;
import dev.ballast.job.Accumulator;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.ExceptionPolicy;
import dev.ballast.job.JobFailure;
import dev.ballast.job.JobType;
import dev.ballast.job.NoParameters;
import dev.ballast.job.Outcome;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import dev.ballast.job.Segment;
import dev.ballast.job.Sink;
import dev.ballast.job.SourceRecord;
import dev.ballast.job.source.Csv;
import dev.ballast.job.source.CsvRow;
import dev.ballast.job.source.CsvSource;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine promises a job type, through the real activities: typed parameters bound and
 * refused before anything runs, the header check seeing them, the exception policy (reject, fail,
 * a job type's own failure type, and an unnamed exception failing as JOB_TYPE_ERROR with its file
 * and line, never as BAD_HEADER), and a sink that gets every accepted record once per commit.
 */
class JobContractTest {
  @TempDir Path tmp;

  /** Sums one integer column; what it does with a bad number depends on the subclass's policy. */
  static class Sum implements JobType<Sum.Params, CsvRow, Sum.Total> {
    record Params(
        @JsonProperty(required = true) @JsonPropertyDescription("the column summed") String column,
        @JsonProperty(defaultValue = "a,b") @JsonPropertyDescription("labels") List<String> labels,
        @JsonProperty(defaultValue = "3") int limit) {
      Params {
        if (limit < 1) {
          throw new IllegalArgumentException("sum parameter 'limit' must be at least 1, not " + limit);
        }
      }
    }

    static final class Total implements Accumulator<Total> {
      long sum;

      @Override
      public void mergeFrom(Total other) {
        sum += other.sum;
      }

      @Override
      public void writeTo(DataOutput out) throws IOException {
        out.writeLong(sum);
      }

      @Override
      public void mergeFrom(DataInput in) throws IOException {
        sum += in.readLong();
      }
    }

    final List<String> committed = new ArrayList<>();

    @Override
    public String name() {
      return "sum";
    }

    @Override
    public Class<Params> parameters() {
      return Params.class;
    }

    @Override
    public void checkHeader(String fileName, String headerLine, Params parameters) {
      if (!Csv.split(headerLine).contains(parameters.column())) {
        throw new IllegalArgumentException(fileName + " lacks column '" + parameters.column() + "'");
      }
    }

    @Override
    public RecordSource<CsvRow> open(Path file, Cursor from, long end, ChunkContext<Params> chunk) throws IOException {
      return CsvSource.open(file, from, end, chunk.header());
    }

    @Override
    public RecordProcessor<CsvRow, Total> processor(ChunkContext<Params> chunk) {
      int at = Csv.split(chunk.header()).indexOf(chunk.parameters().column());
      return (record, into) -> {
        into.sum += Integer.parseInt(record.value().get(at)); // NumberFormatException on a bad row
        return Outcome.accept();
      };
    }

    @Override
    public Sink<CsvRow, Total> sink(ChunkContext<Params> chunk) {
      return new Sink<>() {
        final List<String> rows = new ArrayList<>();

        @Override
        public void write(SourceRecord<CsvRow> record) {
          rows.add(record.raw());
        }

        @Override
        public void commit(Segment segment, Total segmentTotal) {
          committed.addAll(rows);
          rows.clear();
        }
      };
    }

    @Override
    public Total newAccumulator(Params parameters) {
      return new Total();
    }

    @Override
    public List<String> outputNames() {
      return List.of("sum.txt");
    }

    @Override
    public void writeOutput(String name, Total total, Params parameters, OutputStream out) throws IOException {
      out.write((total.sum + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  static final class RejectBadNumbers extends Sum {
    @Override
    public ExceptionPolicy exceptions() {
      return ExceptionPolicy.none().reject(NumberFormatException.class, "NOT_A_NUMBER");
    }
  }

  static final class FailOnBadNumbers extends Sum {
    @Override
    public ExceptionPolicy exceptions() {
      return ExceptionPolicy.none().fail(IllegalArgumentException.class, "BAD_NUMBER");
    }
  }

  static final class OwnFailure extends Sum {
    @Override
    public RecordProcessor<CsvRow, Total> processor(ChunkContext<Params> chunk) {
      return (record, into) -> {
        throw JobFailure.fatal("LEDGER_CLOSED", "the ledger is closed", null);
      };
    }
  }

  /**
   * Lists the ids of its rows in the order their segments were merged: its merge is associative
   * but not commutative, so any reordering of segments shows in its output.
   */
  static final class InOrder implements JobType<NoParameters, CsvRow, InOrder.Ids> {
    static final class Ids implements Accumulator<Ids> {
      final StringBuilder ids = new StringBuilder();

      @Override
      public void mergeFrom(Ids other) {
        ids.append(other.ids);
      }

      @Override
      public void writeTo(DataOutput out) throws IOException {
        out.writeUTF(ids.toString());
      }

      @Override
      public void mergeFrom(DataInput in) throws IOException {
        ids.append(in.readUTF());
      }
    }

    @Override
    public String name() {
      return "in-order";
    }

    @Override
    public Class<NoParameters> parameters() {
      return NoParameters.class;
    }

    @Override
    public RecordSource<CsvRow> open(Path file, Cursor from, long end, ChunkContext<NoParameters> chunk) throws IOException {
      return CsvSource.open(file, from, end, chunk.header());
    }

    @Override
    public RecordProcessor<CsvRow, Ids> processor(ChunkContext<NoParameters> chunk) {
      return (record, into) -> {
        if (record.value().get(1).equals("bad")) {
          return Outcome.reject("BAD");
        }
        into.ids.append(record.value().get(0)).append(' ');
        return Outcome.accept();
      };
    }

    @Override
    public Ids newAccumulator(NoParameters parameters) {
      return new Ids();
    }

    @Override
    public List<String> outputNames() {
      return List.of("ids.txt");
    }

    @Override
    public void writeOutput(String name, Ids total, NoParameters parameters, OutputStream out) throws IOException {
      out.write(total.ids.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theMergeKeepsInputOrderAcrossChunksSegmentsAndItsTwoThreads() throws IOException {
    List<String> rows = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    List<String> badIds = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      boolean bad = i % 11 == 4;
      rows.add(i + "," + (bad ? "bad" : "ok"));
      if (bad) {
        badIds.add(String.valueOf(i));
      } else {
        expected.append(i).append(' ');
      }
    }
    Path in = input(rows.toArray(String[]::new));
    // 4 KiB chunks of 256-byte segments: many chunks, many segments each.
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new InOrder())), 256)) {
      JobSpec spec = JobHarness.spec("order" + System.nanoTime(), "in-order", List.of(in),
          tmp.resolve("out-order"), Map.of(), 4 << 10);
      JobHarness.Run run = h.run(spec);
      assertTrue(run.plan().chunks().size() >= 5, "chunks: " + run.plan().chunks().size());
      assertEquals(expected.toString(), Files.readString(Path.of(spec.output()).resolve("ids.txt")));
      List<String> rejected = Files.readString(Path.of(spec.output()).resolve("rejects.jsonl")).lines()
          .map(l -> l.replaceAll(".*\"raw\":\"(\\d+),bad\".*", "$1")).toList();
      assertEquals(badIds, rejected);
    }
  }

  @Test
  void aChunkIsCutInTheSegmentsItsPlanRecordsWhicheverWorkerRunsIt() throws IOException {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      rows.add(i + "," + i);
    }
    Path in = input(rows.toArray(String[]::new));
    Map<String, Object> params = Map.of("column", "value");
    JobTypes types = new JobTypes(Set.of(new Sum()));
    // Plans recording 256-byte segments; a second worker whose own segment size is 64 bytes.
    try (JobHarness planner = new JobHarness(types, 256); JobHarness other = new JobHarness(types, 64)) {
      JobSpec a = spec(in, params);
      JobSpec b = spec(in, params);
      PlanResult planA = planner.plan(a);
      PlanResult planB = planner.plan(b);
      assertEquals(256, planA.chunks().get(0).segmentBytes());
      planner.chunk(a, planA, planA.chunks().get(0), null);
      other.chunk(b, planB, planB.chunks().get(0), null);
      List<String> byPlanner = segments(planA, 0);
      assertTrue(byPlanner.size() >= 3, "several segments: " + byPlanner);
      assertEquals(byPlanner, segments(planB, 0), "the same segments on a worker with another size");

      // A chunk of a plan that records no size (a plan of an earlier version): the worker's size.
      JobSpec c = spec(in, params);
      PlanResult planC = planner.plan(c);
      ChunkRef r = planC.chunks().get(0);
      ChunkRef legacy = new ChunkRef(r.index(), r.fileIndex(), r.path(), r.fileName(), r.start(), r.end(),
          r.firstLine(), r.crc32c());
      other.chunk(c, planC, legacy, null);
      assertTrue(segments(planC, 0).size() > byPlanner.size(), "64-byte segments: " + segments(planC, 0));
    }
  }

  /** The staged segments of chunk {@code index}, as start-end. */
  private static List<String> segments(PlanResult plan, int index) {
    Path chunks = StagingLayout.ofStagingDir(Path.of(plan.stagingDir())).chunksDir();
    return StagedRecords.readSummary(chunks, index).segments().stream()
        .map(s -> s.start() + "-" + s.end()).toList();
  }

  private Path input(String... rows) throws IOException {
    Path in = tmp.resolve("in-" + rows.length + "-" + System.nanoTime() + ".csv");
    Files.writeString(in, "id,value\n" + String.join("\n", rows) + "\n");
    return in;
  }

  private JobSpec spec(Path in, Map<String, Object> parameters) {
    return JobHarness.spec("j" + System.nanoTime(), "sum", List.of(in), tmp.resolve("out" + System.nanoTime()),
        parameters, 1 << 10);
  }

  private static ApplicationFailure failure(Runnable r) {
    ActivityFailure e = assertThrows(ActivityFailure.class, r::run);
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  @Test
  void parametersAreBoundWithDefaultsAndRefusedWithOneLine() {
    Sum type = new Sum();
    Sum.Params p = TypedParameters.check(type, Map.of("column", "value", "labels", "x, y"));
    assertEquals(new Sum.Params("value", List.of("x", "y"), 3), p);
    assertEquals(List.of("a", "b"), TypedParameters.check(type, Map.of("column", "v")).labels());
    List<Parameter> schema = TypedParameters.schema(type);
    assertEquals(List.of("column", "labels", "limit"), schema.stream().map(Parameter::name).toList());
    assertEquals(new Parameter("column", Parameter.Type.STRING, true, null, "the column summed"), schema.get(0));
    assertEquals(3L, schema.get(2).defaultValue());
    assertEquals("sum parameter 'limit' must be at least 1, not 0",
        assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("column", "v", "limit", 0)))
            .getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of()))
        .getMessage().startsWith("sum parameter 'column' is required"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TypedParameters.check(type, Map.of("column", "v", "colum", 1)))
        .getMessage().startsWith("unknown sum parameter 'colum'"));
  }

  @Test
  void theHeaderCheckSeesTheParametersInThePlan() throws IOException {
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new Sum())), 64)) {
      JobSpec noColumn = spec(input("1,2"), Map.of("column", "amount"));
      ApplicationFailure f = failure(() -> h.plan(noColumn));
      assertEquals("BAD_HEADER", f.getType());
      assertTrue(f.getOriginalMessage().contains("lacks column 'amount'"), f.getOriginalMessage());
      JobSpec badLimit = spec(input("1,2"), Map.of("column", "value", "limit", -1));
      ApplicationFailure bad = failure(() -> h.plan(badLimit));
      assertEquals("BAD_SPEC", bad.getType());
      assertTrue(bad.getOriginalMessage().contains("'limit' must be at least 1"), bad.getOriginalMessage());
    }
  }

  @Test
  void anExceptionNoRuleNamesFailsTheJobNamingItsLineNotItsHeader() throws IOException {
    Path in = input("1,5", "2,x", "3,7");
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new Sum())), 64)) {
      JobSpec spec = spec(in, Map.of("column", "value"));
      PlanResult plan = h.plan(spec);
      ApplicationFailure f = failure(() -> h.chunk(spec, plan, plan.chunks().get(0), null));
      assertEquals("JOB_TYPE_ERROR", f.getType());
      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains("NumberFormatException")
          && f.getOriginalMessage().contains(in.getFileName() + " line 3"), f.getOriginalMessage());
    }
  }

  @Test
  void aRejectRuleRejectsTheRecordAndTheSinkGetsOnlyAcceptedOnes() throws IOException {
    List<String> rows = new ArrayList<>();
    long expected = 0;
    for (int i = 0; i < 200; i++) {
      boolean bad = i % 7 == 3;
      rows.add(i + "," + (bad ? "n/a" : String.valueOf(i)));
      expected += bad ? 0 : i;
    }
    Path in = input(rows.toArray(String[]::new));
    RejectBadNumbers type = new RejectBadNumbers();
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(type)), 64)) {
      JobSpec spec = spec(in, Map.of("column", "value"));
      JobHarness.Run run = h.run(spec);
      assertEquals(expected + "\n", Files.readString(Path.of(spec.output()).resolve("sum.txt")));
      assertEquals(200 - 29, run.merge().counts().accepted());
      assertEquals(29, run.merge().counts().rejected());
      String rejects = Files.readString(Path.of(spec.output()).resolve("rejects.jsonl"));
      assertEquals(29, rejects.lines().filter(l -> l.contains("\"NOT_A_NUMBER\"")).count(), rejects);
      assertEquals(rows.stream().filter(r -> !r.endsWith("n/a")).toList(), type.committed);
      assertTrue(run.plan().chunks().size() > 1, "several chunks");
    }
  }

  @Test
  void aFailRuleAndAJobFailureCarryTheirTypes() throws IOException {
    Path in = input("1,5", "2,x");
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new FailOnBadNumbers())), 64)) {
      JobSpec spec = spec(in, Map.of("column", "value"));
      PlanResult plan = h.plan(spec);
      ApplicationFailure f = failure(() -> h.chunk(spec, plan, plan.chunks().get(0), null));
      assertEquals("BAD_NUMBER", f.getType());
      assertTrue(f.isNonRetryable());
    }
    try (JobHarness h = new JobHarness(new JobTypes(Set.of(new OwnFailure())), 64)) {
      JobSpec spec = spec(in, Map.of("column", "value"));
      PlanResult plan = h.plan(spec);
      ChunkRef first = plan.chunks().get(0);
      ApplicationFailure f = failure(() -> h.chunk(spec, plan, first, null));
      assertEquals("LEDGER_CLOSED", f.getType());
      assertEquals("the ledger is closed", f.getOriginalMessage());
    }
  }
}
