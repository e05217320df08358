package dev.ballast.api.model;

/**
 * Progress of the process stage, as sent to the job workflow and answered by its query.
 *
 * @param chunksDone finished chunks
 * @param chunksTotal all chunks
 * @param bytesDone input bytes of the finished chunks
 * @param counts rows of the finished chunks
 * @param inFlight chunks being processed now
 * @param paused whether dispatching is paused
 * @param runs continue-as-new runs so far
 * @param stageRunId the first run id of the process stage that sent it (null from earlier
 *     versions): the job accepts reports of its own process stage only
 * @param sequence number of the report, increasing over the stage's runs: a report overtaken by a
 *     later one is ignored
 */
public record ProcessProgress(
    int chunksDone,
    int chunksTotal,
    long bytesDone,
    Counts counts,
    int inFlight,
    boolean paused,
    int runs,
    String stageRunId,
    long sequence) {

  /** A report of an earlier version. */
  public ProcessProgress(
      int chunksDone, int chunksTotal, long bytesDone, Counts counts, int inFlight, boolean paused, int runs) {
    this(chunksDone, chunksTotal, bytesDone, counts, inFlight, paused, runs, null, 0);
  }
}
