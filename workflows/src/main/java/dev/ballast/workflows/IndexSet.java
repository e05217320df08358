package dev.ballast.workflows;

import dev.ballast.api.model.IndexRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mutable set of chunk indexes kept as disjoint ranges: a stage dispatching in index order holds
 * a few ranges whatever the number of chunks, in memory and in what it carries across
 * continue-as-new.
 */
final class IndexSet {
  /** start → end (exclusive); ranges neither overlap nor touch. */
  private final TreeMap<Integer, Integer> ranges = new TreeMap<>();
  private int size;

  static IndexSet of(IndexRanges from) {
    IndexSet set = new IndexSet();
    if (from != null) {
      for (int[] r : from.ranges()) {
        if (r[1] > r[0]) {
          set.ranges.put(r[0], r[1]);
          set.size += r[1] - r[0];
        }
      }
    }
    return set;
  }

  static IndexSet of(Iterable<Integer> from) {
    IndexSet set = new IndexSet();
    if (from != null) {
      for (int i : from) {
        set.add(i);
      }
    }
    return set;
  }

  boolean contains(int index) {
    Map.Entry<Integer, Integer> floor = ranges.floorEntry(index);
    return floor != null && index < floor.getValue();
  }

  /** Adds {@code index}; false when it was there already. */
  boolean add(int index) {
    if (contains(index)) {
      return false;
    }
    int start = index;
    int end = index + 1;
    Map.Entry<Integer, Integer> before = ranges.floorEntry(index);
    if (before != null && before.getValue() == index) {
      start = before.getKey();
    }
    Integer after = ranges.get(end);
    if (after != null) {
      ranges.remove(end);
      end = after;
    }
    ranges.put(start, end);
    size++;
    return true;
  }

  int size() {
    return size;
  }

  /** The smallest index at or after {@code from} that is not in the set. */
  int nextAbsent(int from) {
    Map.Entry<Integer, Integer> floor = ranges.floorEntry(from);
    return floor != null && from < floor.getValue() ? floor.getValue() : from;
  }

  IndexRanges toRanges() {
    List<int[]> out = new ArrayList<>(ranges.size());
    ranges.forEach((start, end) -> out.add(new int[] {start, end}));
    return new IndexRanges(out);
  }

  /** The first {@code max} indexes, ascending. */
  List<Integer> first(int max) {
    List<Integer> out = new ArrayList<>();
    for (Map.Entry<Integer, Integer> r : ranges.entrySet()) {
      for (int i = r.getKey(); i < r.getValue(); i++) {
        if (out.size() == max) {
          return out;
        }
        out.add(i);
      }
    }
    return out;
  }

  /** Every index, ascending. */
  List<Integer> toList() {
    return first(Integer.MAX_VALUE);
  }
}
