package dev.ballast.api.model;

import java.util.List;

/**
 * What the process stage carries across continue-as-new. Its size does not depend on the number
 * of chunks: finished and failed-over chunks travel as ranges.
 *
 * @param done indexes of the chunks already finished, ascending (states of earlier versions; new
 *     states leave it empty and use {@code doneRanges})
 * @param totals counts of the finished chunks
 * @param paused whether dispatching is paused
 * @param runs how many runs of the stage came before this one
 * @param retriedChunks chunks that needed more than one attempt
 * @param redoneBytes bytes processed twice because of retries
 * @param failedOver indexes of the chunks rescheduled on the backup task queue, ascending (states
 *     of earlier versions; new states use {@code failedOverRanges})
 * @param doneRanges the finished chunks
 * @param failedOverRanges the chunks rescheduled on the backup task queue
 * @param bytesDone input bytes of the finished chunks
 * @param startedAtMillis when the stage's first run started (workflow time)
 * @param reports progress reports sent to the job so far
 */
public record ProcessState(
    List<Integer> done,
    Counts totals,
    boolean paused,
    int runs,
    int retriedChunks,
    long redoneBytes,
    List<Integer> failedOver,
    IndexRanges doneRanges,
    IndexRanges failedOverRanges,
    long bytesDone,
    long startedAtMillis,
    long reports) {
  /** A state of an earlier version. */
  public ProcessState(
      List<Integer> done,
      Counts totals,
      boolean paused,
      int runs,
      int retriedChunks,
      long redoneBytes,
      List<Integer> failedOver) {
    this(done, totals, paused, runs, retriedChunks, redoneBytes, failedOver, null, null, 0, 0, 0);
  }

  /** The state of a stage that has not run yet. */
  public static ProcessState initial(boolean paused) {
    return new ProcessState(
        List.of(), Counts.ZERO, paused, 0, 0, 0, List.of(), IndexRanges.EMPTY, IndexRanges.EMPTY,
        0, 0, 0);
  }
}
