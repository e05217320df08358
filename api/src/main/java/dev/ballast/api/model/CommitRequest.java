package dev.ballast.api.model;

import java.time.Instant;
import java.util.List;

/**
 * The input of the commit stage.
 *
 * @param jobId the job's id
 * @param outputDir where to publish
 * @param stagingDir the job's staging directory, holding the merged outputs
 * @param startedAt when the job started
 * @param inputs the planned inputs, recorded in the manifest, in requests of earlier versions
 *     (null when {@code plan} is given)
 * @param counts the job's counts, recorded in the manifest
 * @param outputs the staged outputs to publish
 * @param keepBackups how many earlier results to keep
 * @param plan the staged plan whose inputs the manifest records (null in requests of earlier
 *     versions)
 */
public record CommitRequest(
    String jobId,
    String outputDir,
    String stagingDir,
    Instant startedAt,
    List<InputFile> inputs,
    Counts counts,
    List<OutputFile> outputs,
    int keepBackups,
    PlanRef plan) {

  /** A request carrying its inputs. */
  public CommitRequest(
      String jobId, String outputDir, String stagingDir, Instant startedAt, List<InputFile> inputs,
      Counts counts, List<OutputFile> outputs, int keepBackups) {
    this(jobId, outputDir, stagingDir, startedAt, inputs, counts, outputs, keepBackups, null);
  }
}
