package dev.ballast.api.model;

/**
 * How a failover drill went: the result of a passed drill, the details of a failed one's failure
 * (type {@link #FAILED}).
 *
 * @param drillId the drill's id
 * @param passed whether another worker resumed the chunk within the objective and the output was
 *     right
 * @param verdict one line saying why it passed or failed
 * @param failoverMillis time from the stop of the first worker to the resumption on another, or -1
 *     when no other worker resumed the chunk
 * @param maxFailoverMillis the objective
 * @param stoppedWorker identity of the worker that stopped mid-chunk (null if the chunk never ran)
 * @param resumedWorker identity of the worker that resumed it (null if none did)
 * @param resumedFromStep the checkpointed step the chunk resumed from
 * @param steps the chunk's steps
 * @param outputCorrect whether the chunk's sum is right and it resumed from its checkpoint
 */
public record DrillReport(
    String drillId,
    boolean passed,
    String verdict,
    long failoverMillis,
    long maxFailoverMillis,
    String stoppedWorker,
    String resumedWorker,
    int resumedFromStep,
    int steps,
    boolean outputCorrect) {
  /** The failure type of a failed drill; its details are the report. */
  public static final String FAILED = "DRILL_FAILED";
}
