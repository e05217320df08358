package dev.ballast.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.FakeJobType;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.StagingLayout;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
  @TempDir Path tmp;

  private final Planner planner = new Planner(new JobTypes(Set.of(new FakeJobType())));

  private JobSpec spec(List<String> inputs, Long chunkBytes) {
    return new JobSpec(
        "job-1", FakeJobType.NAME, inputs, tmp.resolve("out").toString(), null, chunkBytes, null, null,
        null, null, null);
  }

  private Path csv(String relative, String body) throws IOException {
    Path file = tmp.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, body, StandardCharsets.UTF_8);
  }

  /** Plans {@code spec} and reads the staged plan back with its lists. */
  private PlanResult plan(JobSpec spec) {
    return StagedPlan.expand(planner.plan(spec));
  }

  private static List<String> names(PlanResult plan) {
    return plan.inputs().stream().map(InputFile::name).toList();
  }

  @Test
  void plansFilesIntoChunksAcrossInputs() throws Exception {
    Path a = csv("in/a.csv", "id,amount\n1,10\n2,20\n3,30\n");
    Path b = csv("in/b.csv", "amount\r\n5\r\n6");
    PlanResult plan = plan(spec(List.of(a.toString(), b.toString()), 1L));

    StagingLayout layout = StagingLayout.forJob(tmp.resolve("out"), "job-1");
    assertEquals(layout.dir().toString(), plan.stagingDir());
    assertTrue(Files.isDirectory(layout.dir()));

    assertEquals(List.of("a.csv", "b.csv"), names(plan));
    InputFile first = plan.inputs().get(0);
    assertEquals(0, first.index());
    assertEquals(a.toAbsolutePath().toString(), first.path());
    assertEquals(Files.size(a), first.bytes());
    assertEquals(Files.getLastModifiedTime(a).toMillis(), first.lastModifiedMillis());
    assertEquals(sha256(Files.readAllBytes(a)), first.sha256());
    assertEquals(sha256(Files.readAllBytes(b)), plan.inputs().get(1).sha256());

    assertEquals(5, plan.chunks().size());
    for (int i = 0; i < plan.chunks().size(); i++) {
      ChunkRef c = plan.chunks().get(i);
      assertEquals(i, c.index());
      byte[] bytes = Files.readAllBytes(Path.of(c.path()));
      CRC32C crc = new CRC32C();
      crc.update(bytes, (int) c.start(), (int) c.bytes());
      assertEquals(String.format("%08x", crc.getValue()), c.crc32c());
    }
    ChunkRef fourth = plan.chunks().get(3);
    assertEquals(1, fourth.fileIndex());
    assertEquals("b.csv", fourth.fileName());
    assertEquals("amount\r\n".length(), fourth.start());
    assertEquals(2, fourth.firstLine());
    assertEquals(Files.size(b), plan.chunks().get(4).end());
    assertEquals(3, plan.chunks().get(4).firstLine());
    assertEquals(Files.size(a) - 10 + Files.size(b) - 8, plan.totalBytes());
  }

  @Test
  void directoriesListTheirVisibleRegularFilesByName() throws Exception {
    csv("d/b.csv", "amount\n1\n");
    csv("d/a.csv", "amount\n1\n");
    csv("d/C.csv", "amount\n1\n");
    csv("d/.hidden.csv", "amount\n1\n");
    csv("d/sub/z.csv", "amount\n1\n");
    PlanResult plan = plan(spec(List.of(tmp.resolve("d").toString()), null));
    assertEquals(List.of("C.csv", "a.csv", "b.csv"), names(plan));
    assertEquals(List.of(0, 1, 2), plan.inputs().stream().map(InputFile::index).toList());
  }

  @Test
  void globsMatchFileNamesSortedByName() throws Exception {
    csv("g/day-02.csv", "amount\n1\n");
    csv("g/day-01.csv", "amount\n1\n");
    csv("g/day-10.csv", "amount\n1\n");
    csv("g/other.txt", "amount\n1\n");
    csv("g/x.csv", "amount\n1\n");
    csv("g/y.csv", "amount\n1\n");
    PlanResult plan =
        plan(
            spec(
                List.of(
                    tmp.resolve("g/day-0?.csv").toString(),
                    tmp.resolve("g/{y,x}.csv").toString(),
                    tmp.resolve("g/day-[1-9]*.csv").toString()),
                null));
    assertEquals(List.of("day-01.csv", "day-02.csv", "x.csv", "y.csv", "day-10.csv"), names(plan));
  }

  @Test
  void aFileNamedTwiceIsKeptAtItsFirstPosition() throws Exception {
    Path b = csv("d/b.csv", "amount\n1\n");
    csv("d/a.csv", "amount\n1\n");
    PlanResult plan =
        plan(
            spec(
                List.of(
                    b.toString(),
                    tmp.resolve("d").toString(),
                    tmp.resolve("d/../d/b.csv").toString(),
                    tmp.resolve("d/*.csv").toString()),
                null));
    assertEquals(List.of("b.csv", "a.csv"), names(plan));
    assertEquals(List.of(0, 1), plan.chunks().stream().map(ChunkRef::fileIndex).toList());
  }

  @Test
  void filesInTheOutputsBallastDirAreNeverInputs() throws Exception {
    csv("out/data.csv", "amount\n1\n");
    csv("out/.ballast/staging/old/out/settlement.csv", "amount\n1\n");
    PlanResult plan = plan(spec(List.of(tmp.resolve("out/*.csv").toString()), null));
    assertEquals(List.of("data.csv"), names(plan));
    assertFailure(
        ErrorType.INPUT_NOT_FOUND,
        ".ballast",
        () -> plan(spec(List.of(tmp.resolve("out/.ballast/staging/old/out/settlement.csv").toString()), null)));
    assertFailure(
        ErrorType.INPUT_NOT_FOUND,
        "matches no file",
        () -> plan(spec(List.of(tmp.resolve("out/.ballast/staging/old/out/*.csv").toString()), null)));
  }

  @Test
  void specProblemsAreBadSpec() throws Exception {
    String in = csv("a.csv", "amount\n1\n").toString();
    String out = tmp.resolve("out").toString();
    assertFailure(ErrorType.BAD_SPEC, "'id'", () -> plan(new JobSpec(null, "fake", List.of(in), out, null, null, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'type'", () -> plan(new JobSpec("j", " ", List.of(in), out, null, null, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'inputs'", () -> plan(new JobSpec("j", "fake", List.of(), out, null, null, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'output'", () -> plan(new JobSpec("j", "fake", List.of(in), null, null, null, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'chunkBytes'", () -> plan(new JobSpec("j", "fake", List.of(in), out, null, 0L, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'maxInFlight'", () -> plan(new JobSpec("j", "fake", List.of(in), out, null, null, 0, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "'keepBackups'", () -> plan(new JobSpec("j", "fake", List.of(in), out, null, null, null, null, null, -1, null)));
    assertFailure(ErrorType.BAD_SPEC, "known: fake", () -> plan(new JobSpec("j", "nope", List.of(in), out, null, null, null, null, null, null, null)));
    assertFailure(ErrorType.BAD_SPEC, "parameter 'mode'", () -> plan(new JobSpec("j", "fake", List.of(in), out, Map.of("mode", "bad"), null, null, null, null, null, null)));
    assertFalse(Files.exists(tmp.resolve("out")), "nothing is created for a bad spec");
  }

  @Test
  void inputProblems() throws Exception {
    Files.createDirectories(tmp.resolve("empty"));
    assertFailure(ErrorType.INPUT_NOT_FOUND, "does not exist", () -> plan(spec(List.of(tmp.resolve("missing.csv").toString()), null)));
    assertFailure(ErrorType.INPUT_NOT_FOUND, "matches no file", () -> plan(spec(List.of(tmp.resolve("empty/*.csv").toString()), null)));
    assertFailure(ErrorType.INPUT_NOT_FOUND, "does not exist", () -> plan(spec(List.of(tmp.resolve("nodir/*.csv").toString()), null)));
    assertFailure(ErrorType.INPUT_NOT_FOUND, "file-name part", () -> plan(spec(List.of(tmp.resolve("*/a.csv").toString()), null)));
    assertFailure(ErrorType.INPUT_NOT_FOUND, "no regular file", () -> plan(spec(List.of(tmp.resolve("empty").toString()), null)));
    Path noAmount = csv("bad.csv", "id,value\n1,2\n");
    assertFailure(ErrorType.BAD_HEADER, "bad.csv has no 'amount'", () -> plan(spec(List.of(noAmount.toString()), null)));
    Path empty = csv("zero.csv", "");
    assertFailure(ErrorType.BAD_HEADER, "input zero.csv is empty: expected a header line", () -> plan(spec(List.of(empty.toString()), null)));
    Path good = csv("good.csv", "amount\n1\n");
    Files.writeString(tmp.resolve("out"), "a file, not a directory");
    assertFailure(ErrorType.OUTPUT_CONFLICT, "not a directory", () -> plan(spec(List.of(good.toString()), null)));
  }

  @Test
  void headerWithBomAndCrlfIsCheckedWithoutThem() throws Exception {
    Path file = tmp.resolve("bom.csv");
    Files.write(file, "\uFEFFid,amount\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8));
    PlanResult plan = plan(spec(List.of(file.toString()), null));
    assertEquals(1, plan.chunks().size());
    assertEquals(3 + "id,amount\r\n".length(), plan.chunks().get(0).start());
  }

  @Test
  void progressCountsEveryInputByte() throws Exception {
    Path a = csv("a.csv", "amount\n" + "1\n".repeat(1000));
    Path b = csv("b.csv", "amount\n" + "2\n".repeat(500));
    long[] last = {0};
    new Planner(new JobTypes(Set.of(new FakeJobType())), new FileScanner(100))
        .plan(spec(List.of(a.toString(), b.toString()), 64L), bytes -> last[0] = bytes);
    assertEquals(Files.size(a) + Files.size(b), last[0]);
  }

  static void assertFailure(ErrorType type, String messagePart, Runnable call) {
    ApplicationFailure failure = assertThrows(ApplicationFailure.class, call::run);
    assertEquals(type.name(), failure.getType());
    assertEquals(!type.retryable(), failure.isNonRetryable());
    assertTrue(
        failure.getOriginalMessage().contains(messagePart),
        () -> "expected '" + messagePart + "' in: " + failure.getOriginalMessage());
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
