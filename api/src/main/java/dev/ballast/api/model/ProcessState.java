package dev.ballast.api.model;

import java.util.List;

/**
 * What the process stage carries across continue-as-new.
 *
 * @param done indexes of the chunks already finished, ascending
 * @param totals counts of the finished chunks
 * @param paused whether dispatching is paused
 * @param runs how many runs of the stage came before this one
 * @param retriedChunks chunks that needed more than one attempt
 * @param redoneBytes bytes processed twice because of retries
 * @param failedOver indexes of the chunks rescheduled on the backup task queue, ascending
 */
public record ProcessState(
    List<Integer> done,
    Counts totals,
    boolean paused,
    int runs,
    int retriedChunks,
    long redoneBytes,
    List<Integer> failedOver) {
  public static final ProcessState INITIAL =
      new ProcessState(List.of(), Counts.ZERO, false, 0, 0, 0, List.of());

  /** The state of a stage that has not run yet. */
  public static ProcessState initial(boolean paused) {
    return new ProcessState(List.of(), Counts.ZERO, paused, 0, 0, 0, List.of());
  }
}
