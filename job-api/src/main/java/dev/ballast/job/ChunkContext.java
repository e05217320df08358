package dev.ballast.job;

/**
 * What a job type is told about the chunk it processes.
 *
 * @param jobId the job's id
 * @param parameters the job's parameters, bound from the spec with their defaults
 * @param fileName the input file's name, as reported in rejects
 * @param header the input file's first line (decoded, byte-order mark and line ending removed)
 * @param chunkIndex the chunk's index in the job
 * @param keepAlive reports that the chunk is alive (a heartbeat with its last checkpoint); call it
 *     through {@link #heartbeat} at least every few seconds from long work such as a database
 *     write in {@link Sink#commit}
 * @param <P> the parameters' type
 */
public record ChunkContext<P>(
    String jobId, P parameters, String fileName, String header, int chunkIndex, Runnable keepAlive) {

  /** A context without heartbeats (tests, tools). */
  public ChunkContext(String jobId, P parameters, String fileName, String header, int chunkIndex) {
    this(jobId, parameters, fileName, header, chunkIndex, () -> {});
  }

  /** Reports that the chunk is alive; cheap, the SDK throttles what it sends. */
  public void heartbeat() {
    keepAlive.run();
  }
}
