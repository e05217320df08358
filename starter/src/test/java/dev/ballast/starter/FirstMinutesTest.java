package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.jobs.settlement.SettlementJobType;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.testkit.ReferenceSettlement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets in the first minutes with {@code ballast run} on the embedded default. */
@Timeout(180)
class FirstMinutesTest {
  @TempDir Path dir;

  /** {@code --input incoming/*.csv} reaches the CLI as one flag followed by every file name. */
  @Test
  void oneInputFlagTakesTheFilesAShellGlobExpandsTo() throws Exception {
    Path a = dir.resolve("incoming/a.csv");
    Path b = dir.resolve("incoming/b.csv");
    Path c = dir.resolve("incoming/c.csv");
    Files.createDirectories(a.getParent());
    SampleGenerator.write(a, 3_000, 1);
    SampleGenerator.write(b, 2_000, 2);
    SampleGenerator.write(c, 1_000, 3);

    Cli.Result run = Cli.run(Map.of(), dir, "run", "--type", "settlement",
        "--input", "incoming/a.csv", "incoming/b.csv", "incoming/c.csv", "--output", "out");

    assertEquals(0, run.code(), run.out() + run.err());
    ReferenceSettlement.Result expected =
        ReferenceSettlement.compute(List.of(a, b, c), SettlementJobType.DEFAULT_RATES);
    assertEquals(6_000, expected.rows());
    assertEquals(expected.settlementCsv(), Files.readString(dir.resolve("out/settlement.csv")));
  }

  /** The first "line" of a binary file is no header: the error shows a short, escaped excerpt. */
  @Test
  void aBinaryInputFailsWithAShortPrintableExcerptOfItsHeader() throws Exception {
    byte[] garbage = new byte[200_000];
    new Random(5).nextBytes(garbage);
    for (int i = 0; i < garbage.length; i++) {
      if (garbage[i] == '\n') {
        garbage[i] = 0;
      }
    }
    garbage[9_000] = '\n';
    Path input = dir.resolve("archive.zip");
    Files.write(input, garbage);

    Cli.Result run = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", "archive.zip",
        "--output", "out");

    assertEquals(ExitCodes.JOB_FAILED, run.code(), run.out() + run.err());
    String error = run.err();
    assertTrue(error.contains("archive.zip"), error);
    assertTrue(error.contains("more characters)"), "the header is cut: " + error);
    for (String line : error.split("\n")) {
      assertTrue(line.length() < 600, "a line of " + line.length() + " characters: " + line);
      for (char ch : line.toCharArray()) {
        assertTrue(ch >= 0x20 && ch != 0x7f && ch != '\ufffd',
            "an unprintable character U+" + Integer.toHexString(ch) + " in: " + line);
      }
    }
    assertTrue(Files.notExists(dir.resolve("out/settlement.csv")), "nothing published");
  }

  @Test
  void aMissingInputIsRefusedBeforeAnythingStarts() throws Exception {
    Files.createDirectories(dir.resolve("incoming"));
    Cli.Result missing = Cli.run(Map.of(), dir, "run", "--type", "settlement",
        "--input", "incoming/no-such.csv", "--output", "out");
    assertEquals(ExitCodes.USAGE, missing.code(), missing.out() + missing.err());
    assertEquals("input '" + dir.resolve("incoming/no-such.csv") + "' does not exist", missing.err().trim());

    Cli.Result noMatch = Cli.run(Map.of(), dir, "run", "--type", "settlement",
        "--input", "incoming/*.csv", "--output", "out");
    assertEquals(ExitCodes.USAGE, noMatch.code(), noMatch.out() + noMatch.err());
    assertEquals("input '" + dir.resolve("incoming/*.csv") + "' matches no file", noMatch.err().trim());
    assertTrue(Files.notExists(dir.resolve("out")), "nothing was started, nothing written");
  }

  @Test
  void startRefusesAMissingInputItCanSeeAndLeavesOthersToTheWorkers() throws Exception {
    try (dev.ballast.embedded.EmbeddedTemporal service = dev.ballast.embedded.EmbeddedTemporal.start(0)) {
      Map<String, String> env = Map.of("TEMPORAL_ADDRESS", service.address());
      Cli.Result missing = Cli.run(env, dir, "start", "--id", "missing-1", "--type", "settlement",
          "--input", "no-such.csv", "--output", "out");
      assertEquals(ExitCodes.USAGE, missing.code(), missing.out() + missing.err());
      assertTrue(missing.err().trim().endsWith("no-such.csv' does not exist"), missing.err());

      // A directory this machine does not have may exist where the workers run: the plan checks it.
      Cli.Result elsewhere = Cli.run(env, dir, "start", "--id", "elsewhere-1", "--type", "settlement",
          "--input", "/srv/ballast-no-such-mount/in.csv", "--output", "out");
      assertEquals(0, elsewhere.code(), elsewhere.out() + elsewhere.err());
      assertEquals("elsewhere-1", elsewhere.out().trim());
    }
  }

  /** Directory inputs are read without recursion: only an output equal to an input directory clashes. */
  @Test
  void anOutputThatIsAlsoAnInputDirectoryIsRefused() throws Exception {
    Path incoming = dir.resolve("incoming");
    Files.createDirectories(incoming);
    SampleGenerator.write(incoming.resolve("a.csv"), 100, 1);
    for (String input : new String[] {"incoming", "incoming/*.csv"}) {
      Cli.Result r = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", input,
          "--output", "incoming");
      assertEquals(ExitCodes.USAGE, r.code(), input + ": " + r.out() + r.err());
      assertTrue(r.err().startsWith("output directory " + incoming + " is also the directory of input"), r.err());
    }
    Cli.Result inside = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", "incoming",
        "--output", "incoming/settled");
    assertEquals(0, inside.code(), inside.out() + inside.err());
    Cli.Result again = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", "incoming",
        "--output", "incoming/settled", "--id", "again-1");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("rows 100"), "the second run read the same 100 rows, not the results: " + again.out());
  }
}
