package dev.ballast.starter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs the {@code ballast} command in-process and captures what it prints. */
final class Cli {
  record Result(int code, String out, String err) {
    /** The non-empty lines printed to stderr. */
    long errLines() {
      return err.lines().filter(l -> !l.isBlank()).count();
    }
  }

  private Cli() {}

  static Result run(Map<String, String> env, Path cwd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = BallastCommand.commandLine(new BallastCommand(env, cwd));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(Map.of(), Path.of("").toAbsolutePath(), args);
  }
}
