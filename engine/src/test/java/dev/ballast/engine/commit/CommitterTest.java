package dev.ballast.engine.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.OutputFile;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.files.StagingLayout;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitterTest {
  static final Instant T1 = Instant.parse("2026-11-27T10:15:00.123Z");
  static final Instant T2 = Instant.parse("2026-11-28T10:15:07.5Z");

  @TempDir Path tmp;

  /** A simulated crash: thrown by a step listener. */
  static final class Crash extends RuntimeException {
    Crash(String step) {
      super("crash at " + step);
    }
  }

  static Committer at(Instant now) {
    return new Committer(Clock.fixed(now, ZoneOffset.UTC), step -> {});
  }

  /** Stages {@code files} for job {@code jobId} and builds its commit request. */
  static CommitRequest stage(Path output, String jobId, Map<String, String> files, int keepBackups)
      throws IOException {
    StagingLayout layout = StagingLayout.forJob(output, jobId);
    Files.createDirectories(layout.outDir());
    List<OutputFile> outputs = new ArrayList<>();
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path f = Files.writeString(layout.outDir().resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      outputs.add(new OutputFile(e.getKey(), Files.size(f), Fingerprints.sha256(f)));
    }
    return new CommitRequest(
        jobId,
        output.toString(),
        layout.dir().toString(),
        Instant.parse("2026-11-27T10:00:00Z"),
        List.of(new InputFile(0, "/data/in.csv", "in.csv", 42, "ab".repeat(32), 1L)),
        new Counts(10, 7, 2, 1),
        outputs,
        keepBackups);
  }

  static Map<String, String> files(String tag) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("settlement.csv", "merchant,total\n" + tag + ",100\n");
    m.put("rejects.jsonl", "{\"line\":3,\"reason\":\"" + tag + "\"}\n");
    return m;
  }

  /** Regular files under {@code dir} (relative path → content), the .ballast dir excluded. */
  static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(p).toString();
        if (!rel.startsWith(StagingLayout.HIDDEN_DIR + "/")) {
          out.put(rel, Files.readString(p));
        }
      }
    }
    return out;
  }

  static List<String> backups(Path output) throws IOException {
    Path dir = output.resolve(".ballast/backups");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void firstPublication() throws Exception {
    Path out = tmp.resolve("out");
    CommitRequest r = stage(out, "job-1", files("one"), 3);
    CommitResult result = at(T1).commit(r);

    assertEquals(out.toString(), result.outputDir());
    assertEquals(T1.toString(), result.finishedAt());
    assertNull(result.backupDir());
    assertEquals(List.of("settlement.csv", "rejects.jsonl", "manifest.json"), result.files().stream().map(OutputFile::name).toList());
    assertEquals(r.outputs(), result.files().subList(0, 2));
    OutputFile manifestEntry = result.files().get(2);
    assertEquals(Files.size(out.resolve("manifest.json")), manifestEntry.bytes());
    assertEquals(Fingerprints.sha256(out.resolve("manifest.json")), manifestEntry.sha256());

    Map<String, String> published = tree(out);
    assertEquals(List.of("manifest.json", "rejects.jsonl", "settlement.csv"), List.copyOf(published.keySet()));
    assertEquals(files("one").get("settlement.csv"), published.get("settlement.csv"));
    assertEquals(List.of(), ManifestVerifier.verify(out));
    assertFalse(Files.exists(Path.of(r.stagingDir())), "the staging dir is deleted");

    Manifest manifest = Manifest.read(out.resolve("manifest.json"));
    assertEquals("job-1", manifest.jobId());
    assertEquals("2026-11-27T10:00:00Z", manifest.startedAt());
    assertEquals(T1.toString(), manifest.finishedAt());
    assertEquals(new Counts(10, 7, 2, 1), manifest.counts().toCounts());
    assertEquals(List.of(new Manifest.Input("in.csv", "/data/in.csv", 42, "ab".repeat(32))), manifest.inputs());
    assertEquals(r.outputs(), manifest.outputFiles());
  }

  @Test
  void aSecondJobReplacesTheFirstWhichLandsInBackupsIntact() throws Exception {
    Path out = tmp.resolve("out");
    Map<String, String> first = files("one");
    first.put("extra.csv", "only in the first result\n");
    at(T1).commit(stage(out, "job-1", first, 3));
    Map<String, String> firstPublished = tree(out);

    CommitResult second = at(T2).commit(stage(out, "job-2", files("two"), 3));

    Path backup = out.resolve(".ballast/backups/job-1-20261127T101500Z");
    assertEquals(backup.toString(), second.backupDir());
    assertEquals(firstPublished, tree(backup), "the first result, manifest included, moved whole");
    assertEquals(List.of(), ManifestVerifier.verify(backup));
    assertEquals(List.of("manifest.json", "rejects.jsonl", "settlement.csv"), List.copyOf(tree(out).keySet()));
    assertEquals("job-2", Manifest.read(out.resolve("manifest.json")).jobId());
    assertEquals(List.of(), ManifestVerifier.verify(out));
  }

  @Test
  void filesWithoutAManifestAreBackedUpNotOverwritten() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("settlement.csv"), "hand made\n");
    Files.writeString(out.resolve("notes.txt"), "not ours\n");
    CommitResult result = at(T1).commit(stage(out, "job-1", files("one"), 3));
    List<String> names = backups(out);
    assertEquals(1, names.size());
    assertTrue(names.get(0).startsWith("unknown-"), names.get(0));
    assertEquals(Map.of("settlement.csv", "hand made\n"), tree(Path.of(result.backupDir())));
    assertEquals("not ours\n", Files.readString(out.resolve("notes.txt")), "unrelated files stay");
  }

  @Test
  void onlyTheNewestBackupsAreKept() throws Exception {
    Path out = tmp.resolve("out");
    for (int i = 1; i <= 5; i++) {
      at(T1.plusSeconds(3600L * i)).commit(stage(out, "job-" + i, files("r" + i), 2));
    }
    assertEquals(List.of("job-3-20261127T131500Z", "job-4-20261127T141500Z"), backups(out));
    assertEquals("job-5", Manifest.read(out.resolve("manifest.json")).jobId());

    CommitResult none = at(T2).commit(stage(out, "job-6", files("r6"), 0));
    assertEquals(List.of(), backups(out));
    assertNull(none.backupDir(), "a backup pruned at once is not reported");
  }

  @Test
  void backupNamesAreMadeUnique() throws Exception {
    Path out = tmp.resolve("out");
    at(T1).commit(stage(out, "job-1", files("a"), 5));
    at(T2).commit(stage(out, "job-2", files("b"), 5));
    // a third result whose predecessor has the same job id and second as an existing backup
    Files.createDirectories(out.resolve(".ballast/backups/job-2-20261128T101507Z-2"));
    Files.move(out.resolve(".ballast/backups/job-1-20261127T101500Z"), out.resolve(".ballast/backups/job-2-20261128T101507Z"));
    CommitResult third = at(T2.plusSeconds(60)).commit(stage(out, "job-3", files("c"), 5));
    assertEquals(out.resolve(".ballast/backups/job-2-20261128T101507Z-3").toString(), third.backupDir());
    assertEquals("job-2", Manifest.read(Path.of(third.backupDir()).resolve("manifest.json")).jobId());
  }

  @Test
  void corruptStagedOutputsAreRefusedAndTheOldResultStays() throws Exception {
    Path out = tmp.resolve("out");
    at(T1).commit(stage(out, "job-1", files("one"), 3));
    Map<String, String> before = tree(out);

    CommitRequest r = stage(out, "job-2", files("two"), 3);
    Path staged = Path.of(r.stagingDir()).resolve("out/settlement.csv");
    byte[] bytes = Files.readAllBytes(staged);
    bytes[3] ^= 1;
    Files.write(staged, bytes);
    ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> at(T2).commit(r));
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), failure.getType());
    assertFalse(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().contains("settlement.csv"), failure.getOriginalMessage());
    assertEquals(before, tree(out));

    Files.write(staged, Files.readAllBytes(staged), StandardOpenOption.APPEND);
    failure = assertThrows(ApplicationFailure.class, () -> at(T2).commit(r));
    assertTrue(failure.getOriginalMessage().contains("size"), failure.getOriginalMessage());

    Files.delete(staged);
    failure = assertThrows(ApplicationFailure.class, () -> at(T2).commit(r));
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), failure.getType());
    assertEquals(before, tree(out));
    assertEquals(List.of(), backups(out));
  }

  @Test
  void aSecondCallAfterSuccessReturnsTheSameResult() throws Exception {
    Path out = tmp.resolve("out");
    at(T1).commit(stage(out, "job-1", files("one"), 3));
    CommitRequest r = stage(out, "job-2", files("two"), 3);
    CommitResult first = at(T2).commit(r);
    Map<String, String> published = tree(out);
    List<String> backups = backups(out);

    CommitResult again = at(T2.plusSeconds(99)).commit(r);
    assertEquals(first, again);
    assertEquals(published, tree(out));
    assertEquals(backups, backups(out));
  }

  @Test
  void aRerunOfTheSameJobIdPublishesAgain() throws Exception {
    Path out = tmp.resolve("out");
    at(T1).commit(stage(out, "nightly", files("one"), 3));
    CommitResult rerun = at(T2).commit(stage(out, "nightly", files("two"), 3));
    assertEquals(out.resolve(".ballast/backups/nightly-20261127T101500Z").toString(), rerun.backupDir());
    assertEquals(files("two").get("settlement.csv"), Files.readString(out.resolve("settlement.csv")));
    assertEquals(T2.toString(), Manifest.read(out.resolve("manifest.json")).finishedAt());
  }

  @Test
  void aRetryFinishesABackupThatACrashInterrupted() throws Exception {
    Path out = tmp.resolve("out");
    at(T1).commit(stage(out, "job-1", files("one"), 3));
    Map<String, String> old = tree(out);
    CommitRequest r = stage(out, "job-2", files("two"), 3);

    // The state a crash leaves: journal written, new manifest staged, old manifest moved aside.
    Committer committer = at(T2);
    Committer.Ctx ctx = Committer.context(r);
    Committer.Journal journal = committer.prepare(ctx);
    committer.stageManifest(ctx, journal);
    Path backup = ctx.layout.backupsDir().resolve(journal.backupDir());
    Files.createDirectories(backup);
    Files.move(out.resolve("manifest.json"), backup.resolve("manifest.json"));

    CommitResult result = at(T2.plusSeconds(30)).commit(r);
    assertEquals(T2.toString(), result.finishedAt(), "the journal's finishedAt is kept");
    assertEquals(old, tree(backup));
    assertEquals("job-2", Manifest.read(out.resolve("manifest.json")).jobId());
    assertEquals(List.of(), ManifestVerifier.verify(out));
  }

  /**
   * Crashes the second commit at each step in turn (and its retry at each of its first steps),
   * then lets a clean retry finish: the end state is always the same and nothing is lost; at every
   * crash, a published manifest describes an intact result.
   */
  @Test
  void aCrashAtAnyStepIsFinishedByARetry() throws Exception {
    int scenarios = 0;
    for (int crashAt = 1; ; crashAt++) {
      boolean crashed = false;
      for (int retryCrashAt = 0; retryCrashAt <= 3; retryCrashAt++) {
        Path out = tmp.resolve("s" + crashAt + "-" + retryCrashAt).resolve("out");
        Map<String, String> first = files("one");
        first.put("extra.csv", "x\n");
        at(T1).commit(stage(out, "job-1", first, 1));
        Map<String, String> old = tree(out);
        CommitRequest r = stage(out, "job-2", files("two"), 1);

        crashed = runCrashing(r, T2, crashAt);
        if (!crashed) {
          break;
        }
        assertPublishedIsIntact(out);
        // finishedAt is decided once, by the first attempt that got as far as writing the journal
        Instant decided = decided(r) ? T2 : null;
        if (retryCrashAt > 0 && runCrashing(r, T2.plusSeconds(5), retryCrashAt)) {
          assertPublishedIsIntact(out);
          if (decided == null && decided(r)) {
            decided = T2.plusSeconds(5);
          }
        }
        CommitResult result = at(T2.plusSeconds(10)).commit(r);
        scenarios++;

        String where = "crash at step " + crashAt + ", retry crash at " + retryCrashAt;
        assertEquals((decided == null ? T2.plusSeconds(10) : decided).toString(), result.finishedAt(), where);
        Path backup = out.resolve(".ballast/backups/job-1-20261127T101500Z");
        assertEquals(backup.toString(), result.backupDir(), where);
        assertEquals(old, tree(backup), where);
        Map<String, String> expected = new TreeMap<>(files("two"));
        expected.put("manifest.json", Files.readString(out.resolve("manifest.json")));
        assertEquals(expected, tree(out), where);
        assertEquals(List.of(), ManifestVerifier.verify(out), where);
        assertEquals("job-2", Manifest.read(out.resolve("manifest.json")).jobId(), where);
        assertFalse(Files.exists(Path.of(r.stagingDir())), where);
        assertEquals(result, at(T2.plusSeconds(20)).commit(r), where + ": idempotent afterwards");
      }
      if (!crashed) {
        break;
      }
    }
    assertTrue(scenarios > 40, "expected many crash points, ran " + scenarios);
  }

  /** Runs a commit that crashes at its {@code crashAt}-th step; false when it finished first. */
  private static boolean runCrashing(CommitRequest r, Instant now, int crashAt) {
    int[] seen = {0};
    Committer crashing =
        new Committer(
            Clock.fixed(now, ZoneOffset.UTC),
            step -> {
              if (++seen[0] == crashAt) {
                throw new Crash(step);
              }
            });
    try {
      crashing.commit(r);
      return false;
    } catch (Crash expected) {
      return true;
    }
  }

  /** Whether an attempt has written the journal or already published. */
  private static boolean decided(CommitRequest r) throws IOException {
    Path manifest = Path.of(r.outputDir()).resolve("manifest.json");
    return Files.exists(StagingLayout.ofStagingDir(Path.of(r.stagingDir())).commitJournal())
        || (Files.exists(manifest) && r.jobId().equals(Manifest.read(manifest).jobId()));
  }

  private static void assertPublishedIsIntact(Path out) throws IOException {
    if (Files.exists(out.resolve("manifest.json"))) {
      assertEquals(List.of(), ManifestVerifier.verify(out));
    }
  }

  @Test
  void discardDeletesTheStagingDirAndToleratesItsAbsence() throws Exception {
    Path out = tmp.resolve("out");
    CommitRequest r = stage(out, "job/with:odd id", files("one"), 3);
    Files.createDirectories(Path.of(r.stagingDir()).resolve("chunks/0"));
    Committer committer = at(T1);
    committer.discard(new DiscardRequest("job/with:odd id", out.toString()));
    assertFalse(Files.exists(Path.of(r.stagingDir())));
    committer.discard(new DiscardRequest("job/with:odd id", out.toString()));
    committer.discard(new DiscardRequest("never-ran", tmp.resolve("nowhere").toString()));
  }
}
