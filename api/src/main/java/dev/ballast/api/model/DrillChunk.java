package dev.ballast.api.model;

/**
 * The drill's one chunk: adds up the numbers 1 to {@code steps}, one per step of {@code
 * stepMillis}, checkpointing the running sum in a heartbeat at every step. Its first attempt stops
 * its worker's process hard after step {@code stopAtStep} is checkpointed.
 *
 * @param drillId the drill's id
 * @param steps numbers to add up
 * @param stopAtStep the step after which the first attempt stops its worker
 * @param stepMillis time of one step
 */
public record DrillChunk(String drillId, int steps, int stopAtStep, long stepMillis) {
  /** The sum a correct run returns: 1 + 2 + ... + steps. */
  public long expectedSum() {
    return (long) steps * (steps + 1) / 2;
  }
}
