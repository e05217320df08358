package dev.ballast.job;

import java.io.DataOutput;
import java.io.IOException;

/**
 * The partial result of some records (one staged segment of a chunk), combined into the job's
 * result by the generic merge. {@link #mergeFrom} must be associative, with a fresh accumulator
 * as identity: merge folds the staged segments in input order, and may regroup them.
 *
 * <p>It is staged with {@link #writeTo} and read back with {@link RecordJobType#readAccumulator},
 * so it must hold results, not rows: for a large job it should stay small (totals, groups).
 */
public interface Accumulator<A extends Accumulator<A>> {
  /** Adds {@code other}'s content to this one. */
  void mergeFrom(A other);

  /** Writes this accumulator's content, to be read back by {@link RecordJobType#readAccumulator}. */
  void writeTo(DataOutput out) throws IOException;

  /**
   * Empties this accumulator after its segment was staged, so that the chunk's next segment can
   * use it again (keeping its capacity, caches and such) instead of a new one. Returns false when
   * it cannot be reused; the engine then asks for a {@linkplain RecordJobType#newAccumulator new
   * one}. A reset accumulator must behave exactly like a new one.
   */
  default boolean reset() {
    return false;
  }
}
