package dev.ballast.jobs.load;

import dev.ballast.job.Accumulator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code load} job loaded: rows, the sum of its {@code sumColumn}, and how many segments
 * a retry found already loaded. While a segment is processed it also holds that segment's rows
 * ({@link #pending()}), which are written to the database and never staged.
 */
public final class LoadTotals implements Accumulator<LoadTotals> {
  private long rows;
  private BigDecimal sum = BigDecimal.ZERO;
  private long replayedSegments;
  private final List<String[]> pending = new ArrayList<>();

  /** Adds a row to the segment being processed. */
  void add(String[] values, BigDecimal amount) {
    pending.add(values);
    rows++;
    if (amount != null) {
      sum = sum.add(amount);
    }
  }

  List<String[]> pending() {
    return pending;
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

  static LoadTotals readFrom(DataInput in) throws IOException {
    LoadTotals t = new LoadTotals();
    t.rows = in.readLong();
    t.sum = new BigDecimal(in.readUTF());
    t.replayedSegments = in.readLong();
    return t;
  }
}
