package dev.ballast.api.model;

/**
 * One alert to one webhook.
 *
 * @param webhook the URL to POST to
 * @param jobId the job's id
 * @param type job type
 * @param event what happened: {@link #FAILED}, {@link #TOLERANCE_EXCEEDED}, {@link #COMPLETED},
 *     {@link #DEADLINE_MISSED} or {@link #DRILL_FAILED} (then {@code jobId} is the drill's id and
 *     {@code type} is {@code drill})
 * @param stage the stage the job was in (PLAN, PROCESS, MERGE, COMMIT) or DONE
 * @param message a human-readable description (the error of a failed job)
 * @param counts rows by outcome so far
 * @param output the job's output directory
 */
public record AlertRequest(
    String webhook,
    String jobId,
    String type,
    String event,
    String stage,
    String message,
    Counts counts,
    String output) {
  /** The job failed. */
  public static final String FAILED = "FAILED";
  /** The job rejected more rows than it tolerates. */
  public static final String TOLERANCE_EXCEEDED = "TOLERANCE_EXCEEDED";
  /** The job completed and published. */
  public static final String COMPLETED = "COMPLETED";
  /** The job had not completed by its spec's deadline; it goes on running. */
  public static final String DEADLINE_MISSED = "DEADLINE_MISSED";
  /** A failover drill failed: no other worker took the chunk over in time, or its output was wrong. */
  public static final String DRILL_FAILED = "DRILL_FAILED";
}
