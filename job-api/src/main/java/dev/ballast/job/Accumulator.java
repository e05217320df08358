package dev.ballast.job;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The partial result of some records (one staged segment of a chunk), combined into the job's
 * result by the merge, in the spirit of Beam's {@code CombineFn}. {@link #mergeFrom} must be
 * associative, with a fresh accumulator as identity: the merge folds the staged segments in input
 * order, and may regroup them.
 *
 * <p>Both directions of its serialisation are here: each segment is staged with {@link #writeTo},
 * and the merge adds it to the job's total with {@link #mergeFrom(DataInput)}. It must hold
 * results, not rows: for a large job it should stay small (totals, groups). Rows a job writes
 * somewhere go to a {@link Sink}.
 */
public interface Accumulator<A extends Accumulator<A>> {
  /** Adds {@code other}'s content to this one. */
  void mergeFrom(A other);

  /** Writes this accumulator's content, to be added to another by {@link #mergeFrom(DataInput)}. */
  void writeTo(DataOutput out) throws IOException;

  /**
   * Adds what {@link #writeTo} wrote to this accumulator: the same as {@code mergeFrom} of the
   * accumulator that wrote it, without building that accumulator first.
   */
  void mergeFrom(DataInput in) throws IOException;

  /**
   * Empties this accumulator after its segment was staged, so that the chunk's next segment can
   * use it again (keeping its capacity, caches and such) instead of a new one. Returns false when
   * it cannot be reused; the engine then asks for a {@linkplain JobType#newAccumulator new one}. A
   * reset accumulator must behave exactly like a new one.
   */
  default boolean reset() {
    return false;
  }
}
