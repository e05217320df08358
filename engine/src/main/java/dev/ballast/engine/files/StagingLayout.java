package dev.ballast.engine.files;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a job keeps its work in progress. Everything lives under the output directory, in {@code
 * .ballast/}, so that publishing is a rename within one file system:
 *
 * <pre>
 * OUTPUT/
 *   output files, rejects.jsonl, manifest.json      the published result (manifest written last)
 *   .ballast/staging/JOB/plan/                       the staged plan (inputs, chunks, index)
 *   .ballast/staging/JOB/chunks/                     per-chunk staged results
 *   .ballast/staging/JOB/out/                        merged outputs, not yet published
 *   .ballast/backups/OLDJOB-TIME/                    earlier results moved aside by commit
 * </pre>
 */
public final class StagingLayout {
  /** Name of the directory Ballast keeps inside every output directory. */
  public static final String HIDDEN_DIR = ".ballast";

  private final Path outputDir;
  private final Path dir;

  private StagingLayout(Path outputDir, Path dir) {
    this.outputDir = outputDir;
    this.dir = dir;
  }

  /** The layout of job {@code jobId} publishing into {@code outputDir}. */
  public static StagingLayout forJob(Path outputDir, String jobId) {
    Path out = outputDir.toAbsolutePath().normalize();
    return new StagingLayout(out, out.resolve(HIDDEN_DIR).resolve("staging").resolve(safeName(jobId)));
  }

  /** The layout whose staging directory is {@code stagingDir} (as returned by the plan). */
  public static StagingLayout ofStagingDir(Path stagingDir) {
    Path dir = stagingDir.toAbsolutePath().normalize();
    return new StagingLayout(dir.getParent().getParent().getParent(), dir);
  }

  public Path outputDir() {
    return outputDir;
  }

  /** The job's staging directory. */
  public Path dir() {
    return dir;
  }

  /** Per-chunk staged results. */
  public Path chunksDir() {
    return dir.resolve("chunks");
  }

  /** Merged outputs waiting to be published. */
  public Path outDir() {
    return dir.resolve("out");
  }

  /** The commit stage's journal, so that a retried commit finishes what a crashed one began. */
  public Path commitJournal() {
    return dir.resolve("commit.json");
  }

  /** Present when the job was cancelled: chunk activities stop at their next checkpoint. */
  public Path stopMarker() {
    return dir.resolve("STOP");
  }

  /** Where earlier published results are moved. */
  public Path backupsDir() {
    return outputDir.resolve(HIDDEN_DIR).resolve("backups");
  }

  /**
   * A file-name-safe form of a job id: unchanged when it only has letters, digits, '.', '_' and
   * '-'; otherwise those characters are kept, others become '_', and a short hash keeps distinct
   * ids distinct.
   */
  public static String safeName(String jobId) {
    if (jobId.matches("[A-Za-z0-9._-]+") && !jobId.startsWith(".")) {
      return jobId;
    }
    String kept = jobId.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.", "_");
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
      return kept + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
