package dev.ballast.job;

import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.util.List;
import java.util.Map;

/**
 * A kind of job the worker can run, such as {@code settlement}. The plan stage asks it to check
 * parameters and input headers before anything is processed.
 */
public interface JobType {
  /** The name a job spec gives in its {@code type} field. */
  String name();

  /**
   * Checks the job's parameters against {@link #parameters()}. Override to check values too,
   * keeping the call to this default.
   *
   * @throws IllegalArgumentException with a message naming the bad parameter
   */
  default void checkParameters(Map<String, Object> parameters) {
    Parameters.check(name(), parameters(), parameters);
  }

  /**
   * The parameters with their defaults; what the header check, the processor and outputs see. A
   * type without a declared schema gets them as the spec gives them.
   */
  default Map<String, Object> resolve(Map<String, Object> parameters) {
    if (parameters().isEmpty()) {
      return parameters == null ? Map.of() : parameters;
    }
    return Parameters.check(name(), parameters(), parameters);
  }

  /**
   * Checks an input file's header line (decoded as UTF-8, byte-order mark and line ending
   * removed) against the job's parameters (completed with their defaults): the plan stage calls
   * it for every input before any row is processed, so that a missing column fails the job at
   * once as {@code BAD_HEADER}.
   *
   * @throws IllegalArgumentException with a message naming the missing column and the file
   */
  void checkHeader(String fileName, String headerLine, Map<String, Object> parameters);

  /**
   * What an exception thrown by this job type's code does (reject the record, fail the job, or
   * retry); see {@link ExceptionPolicy}. Default: {@link ExceptionPolicy#none()}.
   */
  default ExceptionPolicy exceptions() {
    return ExceptionPolicy.none();
  }

  /**
   * The parameters this job type takes, as listed by {@code ballast jobs} and checked by the
   * starter before a job starts. Empty when the type does not declare a schema (it still checks
   * its parameters in {@link #checkParameters}).
   */
  default List<Parameter> parameters() {
    return List.of();
  }

  /** One line describing the job type, for {@code ballast jobs}. */
  default String description() {
    return "";
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
