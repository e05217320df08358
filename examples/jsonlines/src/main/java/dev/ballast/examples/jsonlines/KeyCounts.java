package dev.ballast.examples.jsonlines;

import dev.ballast.job.Accumulator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** How many rows each key has; merging adds the counts, which is associative. */
public final class KeyCounts implements Accumulator<KeyCounts> {
  private final Map<String, Long> rows = new TreeMap<>();

  /** Counts {@code n} more rows of {@code key}. */
  public void add(String key, long n) {
    rows.merge(key, n, Long::sum);
  }

  /** The counts, sorted by key. */
  public Map<String, Long> rows() {
    return rows;
  }

  @Override
  public void mergeFrom(KeyCounts other) {
    other.rows.forEach(this::add);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(rows.size());
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  @Override
  public void mergeFrom(DataInput in) throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      add(in.readUTF(), in.readLong());
    }
  }

  /** Emptied after each staged segment and used for the next one. */
  @Override
  public boolean reset() {
    rows.clear();
    return true;
  }
}
