package dev.ballast.jobs.load;

import dev.ballast.job.Accumulator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * What the {@code load} job loaded: rows, the sum of its {@code sumColumn}, and how many segments
 * a retry found already loaded. Rows themselves go to the table through the job's sink, never
 * into the accumulator.
 */
public final class LoadTotals implements Accumulator<LoadTotals> {
  private long rows;
  private BigDecimal sum = BigDecimal.ZERO;
  private long replayedSegments;
  /** Counts an accepted row, and its {@code sumColumn} value (null: none). */
  void add(BigDecimal amount) {
    rows++;
    if (amount != null) {
      sum = sum.add(amount);
    }
  }

  void markReplayed() {
    replayedSegments++;
  }

  public long rows() {
    return rows;
  }

  public BigDecimal sum() {
    return sum;
  }

  /** Segments whose load marker already existed: loaded by an earlier attempt, not loaded again. */
  public long replayedSegments() {
    return replayedSegments;
  }

  @Override
  public void mergeFrom(LoadTotals other) {
    rows += other.rows;
    sum = sum.add(other.sum);
    replayedSegments += other.replayedSegments;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(rows);
    out.writeUTF(sum.toPlainString());
    out.writeLong(replayedSegments);
  }

  @Override
  public void mergeFrom(DataInput in) throws IOException {
    rows += in.readLong();
    sum = sum.add(new BigDecimal(in.readUTF()));
    replayedSegments += in.readLong();
  }
}
