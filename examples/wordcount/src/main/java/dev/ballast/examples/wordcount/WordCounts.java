package dev.ballast.examples.wordcount;

import dev.ballast.job.Accumulator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** How often each word occurs; merging adds the counts, which is associative. */
public final class WordCounts implements Accumulator<WordCounts> {
  private final Map<String, Long> counts = new TreeMap<>();

  /** Counts one more occurrence of {@code word}. */
  public void add(String word, long n) {
    counts.merge(word, n, Long::sum);
  }

  /** The counts, sorted by word. */
  public Map<String, Long> counts() {
    return counts;
  }

  @Override
  public void mergeFrom(WordCounts other) {
    other.counts.forEach(this::add);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
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
}
