package dev.ballast.api;

/**
 * Task queue names shared by the starter, the workflows and the worker.
 *
 * <p>Workflow tasks and the short stage activities (plan, merge, commit) run on {@link #JOBS}; the
 * chunk activities, where the real work happens, run on {@link #CHUNKS}, so that each pool can be
 * sized on its own. A worker polls both by default.
 */
public final class TaskQueues {
  /** Workflow tasks of every Ballast workflow, plus the plan, merge and commit activities. */
  public static final String JOBS = "ballast-jobs";

  /** Chunk-processing activities. */
  public static final String CHUNKS = "ballast-chunks";

  /**
   * Failover drills' activities ({@code ballast drill}): polled only by workers started with {@code
   * --allow-drills}, because a drill chunk stops the worker process running it. Production work never
   * goes there.
   */
  public static final String DRILLS = "ballast-drills";

  private TaskQueues() {}
}
