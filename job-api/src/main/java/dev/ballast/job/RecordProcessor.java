package dev.ballast.job;

/**
 * Decides about one record, in the spirit of Spring Batch's {@code ItemProcessor}: validate, then
 * accept (adding the record to {@code into}), reject with a reason, or skip. It must be
 * deterministic and free of side effects outside {@code into}: a retried chunk processes the same
 * records again into a fresh accumulator.
 *
 * @param <I> the record type of the job's {@link RecordSource}
 * @param <A> the job's accumulator
 */
@FunctionalInterface
public interface RecordProcessor<I, A extends Accumulator<A>> {
  Outcome process(SourceRecord<I> record, A into);
}
