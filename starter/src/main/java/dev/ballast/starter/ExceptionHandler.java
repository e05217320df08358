package dev.ballast.starter;

import dev.ballast.api.Causes;
import dev.ballast.starter.spec.SpecException;
import dev.ballast.worker.TemporalUnreachableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * The one mapping from exceptions to exit codes and one-line messages. Stack traces go to the log
 * (debug), never to the user.
 */
public class ExceptionHandler
    implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ExceptionHandler.class);

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    log.debug("command failed", ex);
    cmd.getErr().println(message(ex));
    cmd.getErr().flush();
    return getExitCode(ex);
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr()
        .println(
            cmd.getCommandSpec().qualifiedName()
                + ": "
                + JobFailures.oneLine(ex.getMessage())
                + " (see "
                + cmd.getCommandSpec().qualifiedName()
                + " --help)");
    cmd.getErr().flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int getExitCode(Throwable ex) {
    if (ex instanceof CliException cli) {
      return cli.exitCode();
    }
    if (ex instanceof SpecException || ex instanceof ParameterException) {
      return ExitCodes.USAGE;
    }
    if (ex instanceof TemporalUnreachableException || isUnavailable(ex)) {
      return ExitCodes.UNREACHABLE;
    }
    if (Workflows.isNotFound(ex)) {
      return ExitCodes.CONFLICT_OR_NOT_FOUND;
    }
    if (ex instanceof WorkflowFailedException) {
      return JobFailures.explain(ex).outcome().exitCode();
    }
    return ExitCodes.JOB_FAILED;
  }

  static String message(Throwable ex) {
    if (ex instanceof CliException || ex instanceof SpecException || ex instanceof TemporalUnreachableException) {
      return JobFailures.oneLine(ex.getMessage());
    }
    if (isUnavailable(ex)) {
      return "cannot reach Temporal: " + JobFailures.oneLine(ex.getMessage());
    }
    if (Workflows.isNotFound(ex)) {
      return "not found: " + JobFailures.oneLine(ex.getMessage());
    }
    if (ex instanceof WorkflowFailedException wfe) {
      return JobFailures.explain(ex).describe(wfe.getExecution().getWorkflowId());
    }
    return "error: " + JobFailures.oneLine(String.valueOf(ex.getMessage()));
  }

  private static boolean isUnavailable(Throwable ex) {
    return Causes.first(ex, StatusRuntimeException.class)
        .map(s -> s.getStatus().getCode())
        .filter(code -> code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)
        .isPresent();
  }
}
