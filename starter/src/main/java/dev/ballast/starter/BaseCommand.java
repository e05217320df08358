package dev.ballast.starter;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: output through the command line's writers (so tests capture it) and
 * the one exception-to-exit-code mapping of {@link ExceptionHandler}, applied however the command
 * line was built.
 */
public abstract class BaseCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BaseCommand.class);
  private static final ExceptionHandler HANDLER = new ExceptionHandler();

  @Spec protected CommandSpec spec;

  /** Runs the command; returns its exit code or throws. */
  protected abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception e) {
      log.debug("{} failed", spec.qualifiedName(), e);
      err().println(ExceptionHandler.message(e));
      err().flush();
      return HANDLER.getExitCode(e);
    }
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected Map<String, String> env() {
    return BallastCommand.root(spec).env();
  }

  protected Path cwd() {
    return BallastCommand.root(spec).cwd();
  }

  /** Whether output goes to an interactive terminal (progress rewritten in place). */
  protected boolean terminal() {
    return System.console() != null;
  }
}
