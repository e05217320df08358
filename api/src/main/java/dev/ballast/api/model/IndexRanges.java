package dev.ballast.api.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of chunk indexes as ascending, disjoint, non-adjacent half-open ranges {@code [start,
 * end)}: the chunks done by a stage that dispatches in index order are a few ranges, whatever
 * their number.
 *
 * @param ranges pairs {@code [start, end)}, ascending
 */
public record IndexRanges(List<int[]> ranges) {
  public static final IndexRanges EMPTY = new IndexRanges(List.of());

  public IndexRanges {
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
  }

  /** Ranges of the ascending indexes {@code sorted}. */
  public static IndexRanges of(Iterable<Integer> sorted) {
    List<int[]> out = new ArrayList<>();
    int start = -1;
    int end = -1;
    for (int i : sorted) {
      if (start >= 0 && i == end) {
        end++;
        continue;
      }
      if (start >= 0) {
        out.add(new int[] {start, end});
      }
      start = i;
      end = i + 1;
    }
    if (start >= 0) {
      out.add(new int[] {start, end});
    }
    return new IndexRanges(out);
  }

  /** Every index, ascending. */
  public List<Integer> toList() {
    List<Integer> out = new ArrayList<>();
    for (int[] r : ranges) {
      for (int i = r[0]; i < r[1]; i++) {
        out.add(i);
      }
    }
    return out;
  }

  /** Number of indexes. */
  public int count() {
    long n = 0;
    for (int[] r : ranges) {
      n += r[1] - r[0];
    }
    return (int) n;
  }
}
