package dev.ballast.activities;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.engine.Failures;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.DataRoots;
import dev.ballast.engine.stage.RecordChunkRunner;
import dev.ballast.job.JobType;
import io.temporal.activity.Activity;
import jakarta.inject.Inject;

/**
 * Processes one chunk (a byte range of an input file) into staged files, checkpointing as it
 * goes: the engine's {@link RecordChunkRunner} runs the job's {@link JobType} over it.
 *
 * <p>The chunk is read in segments of the size its plan records ({@link
 * RecordChunkRunner#DEFAULT_SEGMENT_BYTES} for new plans; this instance's for chunks of plans of
 * earlier versions, which record none): a segment ends after the first record ending at or after
 * {@code segmentStart + segmentBytes}, so boundaries depend only on where the chunk starts and on its
 * plan, never on the worker that runs an attempt. After each segment its staged files are written and a {@link
 * dev.ballast.api.model.ChunkCheckpoint} is heartbeated. A retried attempt resumes at the last
 * checkpoint whose segments still verify (otherwise at the chunk's start), keeps those segments
 * and rewrites the later ones. Once every segment is written and the chunk's CRC-32C matches the
 * plan's, a summary is written; a chunk whose summary exists and verifies is not processed again
 * ({@code reused}).
 *
 * <p>{@code redoneBytes} is a lower bound: the bytes of whole segments that an earlier attempt
 * staged past this attempt's resume point (it wrote them but its checkpoint did not reach the
 * server). Work lost inside an unfinished segment is not known and not counted.
 */
public class ChunkActivitiesImpl implements ChunkActivities {
  private final JobTypes jobTypes;
  private final int segmentBytes;
  private DataRoots dataRoots = DataRoots.fromEnv();

  @Inject
  public ChunkActivitiesImpl(JobTypes jobTypes) {
    this(jobTypes, RecordChunkRunner.LEGACY_SEGMENT_BYTES);
  }

  /**
   * An instance cutting the chunks of plans that record no segment size (plans of earlier
   * versions, or chunk references built by hand in tests) in segments of {@code segmentBytes}.
   */
  public ChunkActivitiesImpl(JobTypes jobTypes, int segmentBytes) {
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be > 0");
    }
    this.jobTypes = jobTypes;
    this.segmentBytes = segmentBytes;
  }

  /** Confines this instance to {@code roots} instead of those of {@link DataRoots#ENV}. */
  public ChunkActivitiesImpl withDataRoots(DataRoots roots) {
    this.dataRoots = roots;
    return this;
  }

  @Override
  public ChunkResult processChunk(ChunkTask task) {
    dataRoots.check("input", task.chunk().path());
    dataRoots.check("staging directory", task.stagingDir());
    return new RecordChunkRunner(segmentBytes)
        .process(Activity.getExecutionContext(), task, recordJob(jobTypes, task.type()));
  }

  /** The job type named {@code name}; else BAD_SPEC. */
  static JobType<?, ?, ?> recordJob(JobTypes jobTypes, String name) {
    try {
      return jobTypes.get(name);
    } catch (IllegalArgumentException e) {
      throw Failures.of(ErrorType.BAD_SPEC, e.getMessage(), e);
    }
  }
}
