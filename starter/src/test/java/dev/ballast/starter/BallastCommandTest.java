package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BallastCommandTest {

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    Cli.Result r = Cli.run("--help");
    assertEquals(0, r.code());
    for (String command :
        new String[] {"run", "start", "status", "list", "watch", "pause", "resume", "cancel", "worker", "server", "setup", "generate", "verify"}) {
      assertTrue(r.out().contains("\n  " + command + " "), "missing " + command + " in\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes:"), r.out());
    assertTrue(r.out().contains("4  cannot reach Temporal"), r.out());
    assertTrue(r.out().contains("5  job id conflict, or job not found"), r.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run", "start", "status", "list", "watch", "pause", "resume", "cancel", "worker", "server", "setup",
        "generate", "generate settlement", "verify"
      })
  void everyCommandHasHelp(String command) {
    String[] words = command.split(" ");
    String[] args = new String[words.length + 1];
    System.arraycopy(words, 0, args, 0, words.length);
    args[words.length] = "--help";
    Cli.Result r = Cli.run(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Usage: ballast " + command), r.out());
    // a description, not only the synopsis
    assertTrue(r.out().lines().count() > 4, r.out());
  }

  @Test
  void aCommandLineForOneSubcommandBuildsOnlyThatOne() {
    // As ballast's main builds it: only the subcommand the first argument names.
    CommandLine run = BallastCommand.commandLine(new BallastCommand(), "run", "--help");
    assertEquals(List.of("run"), List.copyOf(run.getSubcommands().keySet()));
    java.io.StringWriter out = new java.io.StringWriter();
    run.setOut(new java.io.PrintWriter(out));
    assertEquals(0, run.execute("run", "--help"));
    assertTrue(out.toString().startsWith("Usage: ballast run") && out.toString().contains("--chunk-bytes"),
        out.toString());

    // Anything else gets them all, in the order the help lists them.
    List<String> all = BallastCommand.SUBCOMMANDS.stream()
        .map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList();
    for (String[] args : new String[][] {{}, {"--help"}, {"--version"}, {"rnu"}}) {
      assertEquals(all, List.copyOf(BallastCommand.commandLine(new BallastCommand(), args).getSubcommands().keySet()),
          String.join(" ", args));
    }
    assertEquals(all, List.copyOf(BallastCommand.commandLine(new BallastCommand()).getSubcommands().keySet()));
  }

  @Test
  void versionIsPrinted() {
    Cli.Result r = Cli.run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("ballast "), r.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run --bogus",
        "status",
        "run --chunk-bytes lots --type settlement --input a --output b",
        "run --max-in-flight 0 --type settlement --input a --output b",
        "list --status sleeping",
        "generate settlement FILE",
        "nonsense"
      })
  void badArgumentsExitTwoWithOneLine(String args) {
    Cli.Result r = Cli.run(args.split(" "));
    assertEquals(ExitCodes.USAGE, r.code(), r.out() + r.err());
    assertEquals(1, r.errLines(), r.err());
  }

  @Test
  void incompleteSpecExitsTwoBeforeAnythingStarts(@TempDir Path dir) {
    Cli.Result r = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", "in.csv");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals("the job spec lacks output (--output)", r.err().trim());
  }

  @Test
  void badSpecFileExitsTwo(@TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("job.json"), "{\"type\": \"settlement\", \"input\": [\"a\"]}");
    Cli.Result r = Cli.run(Map.of(), dir, "run", "job.json");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("unknown field 'input'"), r.err());
  }

  @Test
  void startWithoutAddressExplainsTheEmbeddedService(@TempDir Path dir) {
    Cli.Result r =
        Cli.run(Map.of(), dir, "start", "--type", "settlement", "--input", "in.csv", "--output", "out");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("only inside `ballast run`"), r.err());
    assertTrue(r.err().contains("ballast server"), r.err());
  }

  @Test
  void unreachableAddressExitsFour(@TempDir Path dir) throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli.Result r = Cli.run(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port), dir, "status", "some-job");
    assertEquals(ExitCodes.UNREACHABLE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
  }
}
