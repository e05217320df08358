package dev.ballast.starter;

/** The exit codes of the {@code ballast} command, listed in its {@code --help} footer. */
public final class ExitCodes {
  /** The command (or job) succeeded. */
  public static final int OK = 0;
  /**
   * The job failed or timed out, a verification found problems, or {@code ballast workers --check}
   * found a problem.
   */
  public static final int JOB_FAILED = 1;
  /** Bad usage or a bad job spec: nothing was started. */
  public static final int USAGE = 2;
  /** The job was cancelled or terminated. */
  public static final int JOB_CANCELLED = 3;
  /** Temporal could not be reached. */
  public static final int UNREACHABLE = 4;
  /** Job id conflict (already running or completed) or job not found. */
  public static final int CONFLICT_OR_NOT_FOUND = 5;
  /**
   * A failover drill failed: no worker polls the drill queue, no other worker took the chunk over
   * within the objective, or its output was wrong.
   */
  public static final int DRILL_FAILED = 6;

  /** The Temporal service lacks what the command needs (worker deployments on the embedded service). */
  public static final int NOT_SUPPORTED = 7;

  private ExitCodes() {}
}
