package dev.ballast.jobs.settlement;

import dev.ballast.job.source.Utf8;
import java.util.Arrays;

/**
 * Decodes short byte spans to strings, remembering the strings it made, so that a value repeated
 * on many rows (a merchant id) is decoded once and the same {@link String} instance (with its
 * cached hash) is handed out each time. Open addressing; not thread-safe.
 */
final class StringCache {
  private static final int MAX_ENTRIES = 1 << 16;

  private byte[][] keys = new byte[1024][];
  private String[] values = new String[1024];
  private int[] hashes = new int[1024];
  private int size;

  /** The string of {@code b[from, to)}, UTF-8 decoded with replacement. */
  String get(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    int mask = keys.length - 1;
    int slot = h & mask;
    while (true) {
      byte[] key = keys[slot];
      if (key == null) {
        break;
      }
      if (hashes[slot] == h && Arrays.equals(key, 0, key.length, b, from, to)) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    String value = Utf8.decode(b, from, to);
    if (size >= MAX_ENTRIES) {
      return value;
    }
    keys[slot] = Arrays.copyOfRange(b, from, to);
    values[slot] = value;
    hashes[slot] = h;
    if (++size * 2 > keys.length) {
      grow();
    }
    return value;
  }

  private void grow() {
    byte[][] oldKeys = keys;
    String[] oldValues = values;
    int[] oldHashes = hashes;
    int n = oldKeys.length * 2;
    keys = new byte[n][];
    values = new String[n];
    hashes = new int[n];
    int mask = n - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = oldHashes[i] & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
        hashes[slot] = oldHashes[i];
      }
    }
  }
}
