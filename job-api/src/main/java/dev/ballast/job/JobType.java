package dev.ballast.job;

import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A kind of job, such as {@code settlement}: everything a worker needs to know to run it. The
 * engine gives it chunking, checkpoints, retries that resume where they stopped, {@code
 * rejects.jsonl}, the manifest and progress; the job type supplies:
 *
 * <ol>
 *   <li>its name and typed {@linkplain #parameters() parameters}, bound from the spec and checked
 *       before the job starts;
 *   <li>a {@link RecordSource} over a byte range of an input file (the built-in {@link
 *       dev.ballast.job.source.CsvSource} and {@link dev.ballast.job.source.LineSource});
 *   <li>a {@link RecordProcessor} that accepts, rejects or skips each record;
 *   <li>an {@link Accumulator} of what accepted records add up to, merged associatively;
 *   <li>optionally a {@link Sink} that writes accepted records somewhere, segment by segment;
 *   <li>the outputs written from the job's total.
 * </ol>
 *
 * <p>Register it by listing the class in {@code META-INF/services/dev.ballast.job.JobType} of its
 * jar (it needs a public no-argument constructor); a worker with the jar on its class path runs
 * it. docs/write-your-own-job.md walks through a complete example.
 *
 * @param <P> the parameters: a record (or class) Jackson binds from the spec's {@code parameters}
 * @param <R> the record type of the source
 * @param <A> the accumulator type
 */
public interface JobType<P, R, A extends Accumulator<A>> {
  /** The name a job spec gives in its {@code type} field. */
  String name();

  /** One line describing the job type, for {@code ballast jobs}. */
  default String description() {
    return "";
  }

  /**
   * The parameters' class, usually a record. The spec's {@code parameters} object is bound to it
   * by Jackson before the job starts: each component is a parameter, of JSON type string
   * ({@code String}), integer ({@code int}, {@code long}, {@code Integer}, {@code Long}), number
   * ({@code double}, {@code BigDecimal}), boolean, list of strings ({@code List<String>}, a
   * comma-separated string accepted too) or object ({@code Map<String, ...>}). Declare with
   * Jackson's annotations {@code @JsonProperty(required = true)}, {@code @JsonProperty(
   * defaultValue = "...")} (a list as comma-separated text, an object as JSON) and
   * {@code @JsonPropertyDescription}; {@code ballast jobs} lists them. A constructor that throws
   * {@link IllegalArgumentException} refuses values with its message. An unknown or mistyped
   * parameter is refused before anything starts. {@link NoParameters} for a type that takes none.
   */
  Class<P> parameters();

  /**
   * Checks an input file's header line against the parameters: the plan stage calls it for every
   * input before any record is processed, so that a missing column fails the job at once as
   * {@code BAD_HEADER}. Default: any header.
   *
   * @param headerLine the first line, decoded as UTF-8, byte-order mark and line ending removed
   * @throws IllegalArgumentException with a message naming the file and the missing column
   */
  default void checkHeader(String fileName, String headerLine, P parameters) {}

  /** Opens a source reading {@code file} from {@code from} up to byte offset {@code end}. */
  RecordSource<R> open(Path file, Cursor from, long end, ChunkContext<P> chunk) throws IOException;

  /** The processor for one chunk (the context names its file, header and parameters). */
  RecordProcessor<R, A> processor(ChunkContext<P> chunk);

  /** A fresh, empty accumulator: the identity of {@link Accumulator#mergeFrom}. */
  A newAccumulator(P parameters);

  /**
   * Where the accepted records of one chunk attempt are written, or null (the default) for a job
   * whose only results are its accumulator and outputs. See {@link Sink}.
   */
  default Sink<R, A> sink(ChunkContext<P> chunk) throws Exception {
    return null;
  }

  /**
   * Which of {@code done}, segments a {@link Sink} committed earlier, no longer have their records
   * where the sink wrote them: for example transactions a database confirmed and then lost when a
   * standby that had not received them was promoted. The engine does not trust its checkpoints
   * over this answer: a chunk attempt that resumes from a checkpoint, or finds its chunk already
   * staged, starts again at the first segment named here, and the merge processes and commits the
   * segments named here again before it writes the outputs. Default: none.
   *
   * @param done finished segments, of one chunk or of the whole job, in input order
   */
  default List<Segment> lostSegments(String jobId, P parameters, List<Segment> done) throws Exception {
    return List.of();
  }

  /** The names of the job's outputs, published beside {@code rejects.jsonl}. */
  List<String> outputNames();

  /** Writes output {@code name} from the job's total. */
  void writeOutput(String name, A total, P parameters, OutputStream out) throws IOException;

  /**
   * What an exception thrown by this job type's code does (reject the record, fail the job, or
   * retry); see {@link ExceptionPolicy}. Default: {@link ExceptionPolicy#none()}.
   */
  default ExceptionPolicy exceptions() {
    return ExceptionPolicy.none();
  }

  /**
   * The retry and timeout policy this job type's jobs get for {@code stage} when their spec does
   * not set one; a field the spec's {@code policies} does set wins over it. The starter resolves
   * it into the spec it starts (so workflows only ever read the spec), and {@code ballast jobs}
   * lists it. Default: the engine's {@link StagePolicy#defaults(Stage)}.
   */
  default StagePolicy defaultPolicy(Stage stage) {
    return StagePolicy.defaults(stage);
  }
}
