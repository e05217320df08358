package dev.ballast.worker.observe;

import dev.ballast.api.model.ChunkResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * Ballast's own worker metrics, next to the Temporal SDK's. In Prometheus form:
 *
 * <ul>
 *   <li>{@code ballast_rows_processed_total}: rows of finished chunks, every outcome;
 *   <li>{@code ballast_rows_rejected_total}: rejected rows of finished chunks;
 *   <li>{@code ballast_chunk_duration_seconds}: time of each chunk activity attempt, tagged {@code
 *       outcome} (success, failure);
 *   <li>{@code ballast_chunks_retried_total}: chunk attempts after the first;
 *   <li>{@code ballast_jobs_total}: finished jobs, tagged {@code outcome} (completed, failed,
 *       cancelled);
 *   <li>{@code ballast_drill_failover_seconds}: failover times of failover drills, recorded by the
 *       worker that resumed the drill's chunk (the one that measured it: from the stopped worker's
 *       checkpoint to the server's start time of its own attempt).
 * </ul>
 */
public final class BallastMetrics {
  /** Counter of rows processed. */
  public static final String ROWS_PROCESSED = "ballast.rows.processed";
  /** Counter of rows rejected. */
  public static final String ROWS_REJECTED = "ballast.rows.rejected";
  /** Timer of chunk attempts. */
  public static final String CHUNK_DURATION = "ballast.chunk.duration";
  /** Counter of retried chunk attempts. */
  public static final String CHUNKS_RETRIED = "ballast.chunks.retried";
  /** Counter of finished jobs by outcome. */
  public static final String JOBS = "ballast.jobs";
  /** Timer of failover drills' failover times. */
  public static final String DRILL_FAILOVER = "ballast.drill.failover";

  /** How a job ended, as the {@code outcome} tag of {@link #JOBS}. */
  public enum JobOutcome {
    COMPLETED,
    FAILED,
    CANCELLED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Counter rowsProcessed;
  private final Counter rowsRejected;
  private final Counter chunksRetried;

  public BallastMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rowsProcessed =
        Counter.builder(ROWS_PROCESSED).description("Rows of finished chunks").register(registry);
    this.rowsRejected =
        Counter.builder(ROWS_REJECTED).description("Rejected rows of finished chunks").register(registry);
    this.chunksRetried =
        Counter.builder(CHUNKS_RETRIED).description("Chunk attempts after the first").register(registry);
    for (JobOutcome outcome : JobOutcome.values()) {
      jobs(outcome);
    }
  }

  /** Metrics that go nowhere (no registry configured). */
  public static BallastMetrics noop() {
    return new BallastMetrics(new CompositeMeterRegistry());
  }

  /** The registry the metrics are registered in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records a chunk attempt that started (counts retries). */
  public void chunkStarted(int attempt) {
    if (attempt > 1) {
      chunksRetried.increment();
    }
  }

  /** Records a chunk attempt that ended, with its result when it succeeded. */
  public void chunkFinished(ChunkResult result, Duration took) {
    Timer.builder(CHUNK_DURATION)
        .description("Duration of chunk activity attempts")
        .tag("outcome", result == null ? "failure" : "success")
        .register(registry)
        .record(took);
    if (result != null && result.counts() != null) {
      rowsProcessed.increment(result.counts().rows());
      rowsRejected.increment(result.counts().rejected());
    }
  }

  /** Records the failover time a drill measured on this worker. */
  public void drillFailover(Duration failover) {
    Timer.builder(DRILL_FAILOVER)
        .description("Failover drills: time from the stop of a worker mid-chunk to another worker resuming it")
        .register(registry)
        .record(failover);
  }

  /** Records a finished job. */
  public void jobFinished(JobOutcome outcome) {
    jobs(outcome).increment();
  }

  private Counter jobs(JobOutcome outcome) {
    return Counter.builder(JOBS)
        .description("Finished jobs by outcome")
        .tag("outcome", outcome.tag())
        .register(registry);
  }
}
