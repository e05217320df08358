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
 */
public record ProcessState(
    List<Integer> done, Counts totals, boolean paused, int runs, int retriedChunks, long redoneBytes) {
  public static final ProcessState INITIAL = new ProcessState(List.of(), Counts.ZERO, false, 0, 0, 0);
}
