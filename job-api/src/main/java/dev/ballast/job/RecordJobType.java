package dev.ballast.job;

import dev.ballast.job.source.CsvSource;
import java.io.DataInput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A job type run by the generic engine: the chunk and merge activities give it chunking, segment
 * checkpoints with heartbeats, retries that resume where they stopped, {@code rejects.jsonl}, the
 * manifest and progress for free. A job type supplies only:
 *
 * <ol>
 *   <li>a {@link RecordSource} over a byte range of an input file ({@link CsvSource} for CSV);
 *   <li>a {@link RecordProcessor} that accepts, rejects or skips each record;
 *   <li>an {@link Accumulator} holding what accepted records add up to, staged per segment and
 *       merged associatively;
 *   <li>the outputs written from the job's total accumulator.
 * </ol>
 *
 * <p>Register it in a Guice module that adds it to the {@code Set<JobType>} multibinder (see
 * {@link JobModule}); docs/write-your-own-job.md walks through a complete example.
 *
 * @param <I> the record type
 * @param <A> the accumulator type
 */
public interface RecordJobType<I, A extends Accumulator<A>> extends JobType {
  /** Opens a source reading {@code file} from {@code from} up to byte offset {@code end}. */
  RecordSource<I> open(Path file, Cursor from, long end, RecordContext context) throws IOException;

  /** The processor for one chunk (the context names its file and header). */
  RecordProcessor<I, A> processor(RecordContext context);

  /** A fresh, empty accumulator: the identity of {@link Accumulator#mergeFrom}. */
  A newAccumulator(Map<String, Object> parameters);

  /** Reads an accumulator written by {@link Accumulator#writeTo}. */
  A readAccumulator(DataInput in, Map<String, Object> parameters) throws IOException;

  /**
   * Adds a staged accumulator (written by {@link Accumulator#writeTo}) to {@code total}: what the
   * merge does for every staged segment. By default {@code total.mergeFrom(readAccumulator(in))};
   * a type whose accumulator can add what it reads straight into a total overrides this to skip
   * building each segment's accumulator first.
   */
  default void mergeStaged(A total, DataInput in, Map<String, Object> parameters) throws IOException {
    total.mergeFrom(readAccumulator(in, parameters));
  }

  /**
   * Called once per segment after its records were processed and before it is staged: the place
   * for an idempotent side effect such as writing the segment's rows to a database.
   * {@code accumulated} holds that segment's records only (every segment starts from {@link
   * #newAccumulator}, or from an accumulator {@linkplain Accumulator#reset reset} after the
   * previous segment was staged); what this returns is what is staged for the segment, by default {@code
   * accumulated} unchanged.
   *
   * <p>A segment may be processed again: a retried chunk resumes from the last checkpoint the
   * service received (heartbeats are throttled, so it can lag a second or more behind, and a
   * chunk killed before its first checkpoint starts over), and segments after that point run
   * again from the same start offsets, even those whose side effects were already applied. This
   * must therefore be safe to repeat.
   */
  default A finishSegment(RecordContext context, Segment segment, A accumulated) throws Exception {
    return accumulated;
  }

  /**
   * Which of {@code done}, segments that earlier work finished ({@link #finishSegment} returned
   * for them), no longer have their side effect where it was written: for example transactions a
   * database confirmed and then lost when a standby that had not received them was promoted. The
   * engine does not trust its checkpoints over this answer: a chunk attempt that resumes from a
   * checkpoint, or finds its chunk already staged, starts again at the first segment named here,
   * and the merge applies the segments named here again (with {@link #finishSegment}) before it
   * writes the outputs. Default: none (a job whose only effects are its staged files).
   *
   * @param jobId the job's id
   * @param parameters the job's parameters, completed with their defaults
   * @param done finished segments, of one chunk or of the whole job, in input order
   */
  default List<Segment> lostSegments(String jobId, Map<String, Object> parameters, List<Segment> done)
      throws Exception {
    return List.of();
  }

  /** The names of the job's outputs, published beside {@code rejects.jsonl}. */
  List<String> outputNames();

  /** Writes output {@code name} from the job's total. */
  void writeOutput(String name, A total, Map<String, Object> parameters, OutputStream out)
      throws IOException;
}
