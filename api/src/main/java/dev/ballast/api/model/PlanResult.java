package dev.ballast.api.model;

import java.util.List;

/**
 * The plan of a job: its fingerprinted inputs and its chunks.
 *
 * <p>The plan activity writes the inputs and chunks to the staging area and returns only {@link
 * #staged()}: no payload grows with the number of chunks or files. Plans made by earlier versions
 * (recorded in the histories of running jobs) carry the lists themselves and no {@code staged}.
 *
 * @param stagingDir absolute path of the job's staging directory, under the output directory
 * @param inputs the input files in job order; null in a staged plan
 * @param chunks every chunk, in input order then offset order; null in a staged plan
 * @param staged the staged plan's reference; null in a plan of an earlier version
 */
public record PlanResult(
    String stagingDir, List<InputFile> inputs, List<ChunkRef> chunks, PlanRef staged) {

  /** A plan of an earlier version, carrying its lists. */
  public PlanResult(String stagingDir, List<InputFile> inputs, List<ChunkRef> chunks) {
    this(stagingDir, inputs, chunks, null);
  }

  /** A staged plan: only its reference. */
  public static PlanResult staged(String stagingDir, PlanRef ref) {
    return new PlanResult(stagingDir, null, null, ref);
  }

  public int chunkCount() {
    return staged != null ? staged.chunks() : chunks.size();
  }

  public int inputCount() {
    return staged != null ? staged.inputs() : inputs.size();
  }

  public long totalBytes() {
    return staged != null ? staged.bytes() : chunks.stream().mapToLong(ChunkRef::bytes).sum();
  }
}
