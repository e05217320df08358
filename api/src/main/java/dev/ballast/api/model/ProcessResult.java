package dev.ballast.api.model;

import java.util.List;

/**
 * The outcome of the process stage.
 *
 * @param counts rows of the whole job by outcome
 * @param chunks chunks processed
 * @param retriedChunks chunks that needed more than one attempt
 * @param redoneBytes bytes processed twice because of retries
 * @param runs continue-as-new runs the stage took
 * @param failedOver indexes of the chunks rescheduled on the backup task queue, at most the first
 *     {@link #MAX_LISTED} of them
 * @param failedOverCount how many chunks were rescheduled on the backup task queue (0 in results
 *     of earlier versions: use {@link #failedOverTotal()})
 */
public record ProcessResult(
    Counts counts,
    int chunks,
    int retriedChunks,
    long redoneBytes,
    int runs,
    List<Integer> failedOver,
    int failedOverCount) {
  /** Longest list of chunk indexes a result carries. */
  public static final int MAX_LISTED = 100;

  /** A result of an earlier version. */
  public ProcessResult(
      Counts counts, int chunks, int retriedChunks, long redoneBytes, int runs, List<Integer> failedOver) {
    this(counts, chunks, retriedChunks, redoneBytes, runs, failedOver,
        failedOver == null ? 0 : failedOver.size());
  }

  /** How many chunks were rescheduled on the backup task queue. */
  public int failedOverTotal() {
    return Math.max(failedOverCount, failedOver == null ? 0 : failedOver.size());
  }
}
