package dev.ballast.api.model;

import java.util.List;

/**
 * The plan of a job: its fingerprinted inputs and its chunks.
 *
 * @param stagingDir absolute path of the job's staging directory, under the output directory
 * @param inputs the input files in job order
 * @param chunks every chunk, in input order then offset order
 */
public record PlanResult(String stagingDir, List<InputFile> inputs, List<ChunkRef> chunks) {
  public long totalBytes() {
    return chunks.stream().mapToLong(ChunkRef::bytes).sum();
  }
}
