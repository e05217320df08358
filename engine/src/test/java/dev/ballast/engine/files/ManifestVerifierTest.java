package dev.ballast.engine.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.model.Counts;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.OutputFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestVerifierTest {
  @TempDir Path dir;

  private Manifest manifest;

  @BeforeEach
  void publish() throws Exception {
    Path a = Files.writeString(dir.resolve("settlement.csv"), "merchant,total\nm1,10.00\n");
    Path b = Files.writeString(dir.resolve("rejects.jsonl"), "");
    manifest =
        Manifest.of(
            "job-1",
            "2026-11-27T10:00:00Z",
            "2026-11-27T10:15:00Z",
            List.of(new InputFile(0, "/data/a.csv", "a.csv", 12, "cd".repeat(32), 5L)),
            new Counts(3, 1, 1, 1),
            List.of(
                new OutputFile("settlement.csv", Files.size(a), Fingerprints.sha256(a)),
                new OutputFile("rejects.jsonl", Files.size(b), Fingerprints.sha256(b))));
    manifest.write(dir.resolve(Manifest.FILE_NAME));
  }

  @Test
  void anIntactResultHasNoProblems() throws Exception {
    assertEquals(List.of(), ManifestVerifier.verify(dir));
  }

  @Test
  void aModifiedByteIsASha256Mismatch() throws Exception {
    Path file = dir.resolve("settlement.csv");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 2] = '1';
    Files.write(file, bytes);
    List<String> problems = ManifestVerifier.verify(dir);
    assertEquals(1, problems.size());
    String expected =
        "settlement.csv: SHA-256 is " + Fingerprints.sha256(file) + " but the manifest says " + manifest.outputs().get(0).sha256();
    assertEquals(expected, problems.get(0));
  }

  @Test
  void aTruncatedFileIsASizeMismatch() throws Exception {
    Path file = dir.resolve("settlement.csv");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    assertEquals(
        List.of("settlement.csv: size is " + (bytes.length - 5) + " bytes but the manifest says " + bytes.length),
        ManifestVerifier.verify(dir));
  }

  @Test
  void aMissingFileIsNamed() throws Exception {
    Files.delete(dir.resolve("rejects.jsonl"));
    List<String> problems = ManifestVerifier.verify(dir);
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("rejects.jsonl: missing"), problems.get(0));
  }

  @Test
  void aMissingOrUnreadableManifestIsAProblem() throws Exception {
    Files.writeString(dir.resolve(Manifest.FILE_NAME), "{ not json");
    List<String> unreadable = ManifestVerifier.verify(dir);
    assertEquals(1, unreadable.size());
    assertTrue(unreadable.get(0).startsWith("manifest.json: cannot be read"), unreadable.get(0));

    Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"outputs\": []}");
    List<String> foreign = ManifestVerifier.verify(dir);
    assertEquals(1, foreign.size());
    assertTrue(foreign.get(0).contains("not a Ballast manifest"), foreign.get(0));

    Files.delete(dir.resolve(Manifest.FILE_NAME));
    List<String> missing = ManifestVerifier.verify(dir);
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).startsWith("manifest.json: missing"), missing.get(0));
  }

  @Test
  void manifestJsonHasItsFieldsInOrderAndReadsBack() throws Exception {
    String json = Files.readString(dir.resolve(Manifest.FILE_NAME), StandardCharsets.UTF_8);
    Matcher keys = Pattern.compile("\"(\\w+)\" :").matcher(json);
    StringBuilder order = new StringBuilder();
    while (keys.find()) {
      order.append(keys.group(1)).append(' ');
    }
    assertEquals(
        "jobId startedAt finishedAt inputs name path bytes sha256 counts rows accepted skipped rejected "
            + "outputs name bytes sha256 name bytes sha256 ",
        order.toString());
    assertTrue(json.contains("\n  \"jobId\""), "pretty-printed");
    assertEquals(manifest, Manifest.read(dir.resolve(Manifest.FILE_NAME)));
  }

  /** A manifest written before {@code pending} was renamed {@code skipped}: it reads and verifies. */
  @Test
  void aManifestOfAnEarlierVersionReadsAndVerifies() throws Exception {
    Manifest.Output csv = manifest.outputs().get(0);
    Manifest.Output rejects = manifest.outputs().get(1);
    String old =
        "{\n"
            + "  \"jobId\" : \"job-1\",\n"
            + "  \"startedAt\" : \"2026-11-27T10:00:00Z\",\n"
            + "  \"finishedAt\" : \"2026-11-27T10:15:00Z\",\n"
            + "  \"inputs\" : [ { \"name\" : \"a.csv\", \"path\" : \"/data/a.csv\", \"bytes\" : 12, \"sha256\" : \"cd\" } ],\n"
            + "  \"counts\" : { \"rows\" : 10, \"accepted\" : 7, \"pending\" : 2, \"rejected\" : 1 },\n"
            + "  \"outputs\" : [ { \"name\" : \"settlement.csv\", \"bytes\" : " + csv.bytes() + ", \"sha256\" : \""
            + csv.sha256() + "\" }, { \"name\" : \"rejects.jsonl\", \"bytes\" : " + rejects.bytes()
            + ", \"sha256\" : \"" + rejects.sha256() + "\" } ]\n"
            + "}\n";
    Files.writeString(dir.resolve(Manifest.FILE_NAME), old, StandardCharsets.UTF_8);

    assertEquals(List.of(), ManifestVerifier.verify(dir));
    Manifest read = Manifest.read(dir.resolve(Manifest.FILE_NAME));
    assertEquals(new Manifest.Tally(10, 7, 2, 1), read.counts());
    assertEquals(new Counts(10, 7, 2, 1), read.counts().toCounts());
    assertEquals(2, read.counts().skipped());
    // Written again, it says skipped.
    String rewritten = new String(read.toBytes(), StandardCharsets.UTF_8);
    assertTrue(rewritten.contains("\"skipped\" : 2") && !rewritten.contains("pending"), rewritten);
  }
}
