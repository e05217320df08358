package dev.ballast.job;

/**
 * Where a job writes its accepted records, such as a database table ({@code load}) or files: the
 * engine hands it each record the processor accepted, then commits them segment by segment (about
 * a megabyte of input each) before it checkpoints the segment. The accumulator keeps holding only
 * results, never rows.
 *
 * <p>One sink serves one attempt of one chunk, from one thread; the engine closes it at the end,
 * also on failure. A segment may be written and committed again: a retried chunk resumes from its
 * last checkpoint (which can lag a second or more behind the last commit), and segments after it
 * run again, even those already committed. {@link #commit} must therefore be idempotent, for
 * example by recording the segment's identity in the same transaction as its rows and skipping
 * a segment found there. When the place written to can lose what it confirmed (a database
 * failover), {@link JobType#lostSegments} tells the engine which segments to redo.
 *
 * @param <R> the record type of the job's source
 * @param <A> the job's accumulator type
 */
public interface Sink<R, A extends Accumulator<A>> extends AutoCloseable {
  /**
   * Takes one accepted record of the current segment. A source may reuse its record objects:
   * copy what you keep.
   */
  void write(SourceRecord<R> record) throws Exception;

  /**
   * Applies the records written since the previous commit as {@code segment}, idempotently: when
   * this returns, they are durably where they belong (a retry of the same segment must not apply
   * them twice).
   *
   * @param segmentTotal the segment's accumulator, staged once this returns: the sink may add to
   *     it what the commit found (the {@code load} job counts segments it found loaded already)
   */
  void commit(Segment segment, A segmentTotal) throws Exception;

  /** Releases what the sink holds; records written since the last commit are dropped. */
  @Override
  default void close() throws Exception {}
}
