package dev.ballast.api;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes of job workflows, for filtering jobs in the Temporal Web UI and in
 * visibility queries on a real cluster. They must be registered in the namespace first ({@code
 * ballast setup}); the starter sets them only when they are, and the job workflow updates them only
 * when it was started with them, so the embedded service (which lacks the search-attribute APIs)
 * is unaffected.
 */
public final class JobSearchAttributes {
  /** The job type, e.g. {@code settlement}. */
  public static final SearchAttributeKey<String> JOB_TYPE = SearchAttributeKey.forKeyword("BallastJobType");
  /** The current stage: PLAN, PROCESS, MERGE, COMMIT, DONE. */
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("BallastStage");
  /** Chunks done, in percent of all chunks (0-100). */
  public static final SearchAttributeKey<Long> PROGRESS = SearchAttributeKey.forLong("BallastProgress");

  /** Every one of them, in the order {@code ballast setup} registers them. */
  public static final List<SearchAttributeKey<?>> ALL = List.of(JOB_TYPE, STAGE, PROGRESS);

  private JobSearchAttributes() {}
}
