package dev.ballast.activities.job;

import dev.ballast.api.model.Stage;
import dev.ballast.api.model.StagePolicy;
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
   * Checks the job's parameters.
   *
   * @throws IllegalArgumentException with a message naming the bad parameter
   */
  void checkParameters(Map<String, Object> parameters);

  /**
   * Checks an input file's header line (decoded as UTF-8, byte-order mark and line ending
   * removed).
   *
   * @throws IllegalArgumentException with a message naming the missing column and the file
   */
  void checkHeader(String fileName, String headerLine);

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
