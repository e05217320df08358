package dev.ballast.job.source;

import java.nio.charset.StandardCharsets;

/** UTF-8 decoding for byte-level record sources. */
public final class Utf8 {
  private Utf8() {}

  /** Decodes {@code b[from, to)}; malformed input becomes U+FFFD, as {@code new String} does. */
  public static String decode(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < 0) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
      }
    }
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
