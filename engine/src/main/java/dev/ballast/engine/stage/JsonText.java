package dev.ballast.engine.stage;

import java.nio.charset.StandardCharsets;

/**
 * JSON string escaping exactly as Jackson's default writer does it: {@code "} and {@code \}
 * escaped with a backslash, control characters below U+0020 as {@code \b \t \n \f \r} or {@code
 * \}{@code u00XX} (upper-case hex), everything else literal.
 */
public final class JsonText {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a quoted JSON string. */
  public static void appendString(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    int literal = 0; // start of the characters not yet appended, all literal
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      if (literal < i) {
        out.append(s, literal, i);
      }
      literal = i + 1;
      out.append('\\');
      switch (c) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '\b' -> out.append('b');
        case '\t' -> out.append('t');
        case '\n' -> out.append('n');
        case '\f' -> out.append('f');
        case '\r' -> out.append('r');
        default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    if (literal == 0) {
      out.append(s);
    } else if (literal < n) {
      out.append(s, literal, n);
    }
    out.append('"');
  }

  /** The most bytes {@link #putUtf8} writes for {@code s}. */
  public static int maxUtf8Bytes(String s) {
    return maxUtf8Bytes(s.length());
  }

  /**
   * Writes {@code s} as a quoted JSON string in UTF-8 into {@code out} from {@code at}, and returns
   * where it ends: the bytes of {@code quote(s).getBytes(UTF_8)} (an unpaired surrogate becomes
   * {@code ?}, as there), without building the string first. {@code out} must have room for
   * {@link #maxUtf8Bytes}.
   */
  public static int putUtf8(byte[] out, int at, String s) {
    out[at++] = '"';
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          out[at++] = (byte) c;
          continue;
        }
        at = putEscape(out, at, c);
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[at++] = (byte) (0xF0 | (cp >> 18));
        out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[at++] = '?';
      }
    }
    out[at++] = '"';
    return at;
  }

  /** The most bytes {@link #putUtf8(byte[], int, byte[], int, int)} writes for {@code n} bytes. */
  public static int maxUtf8Bytes(int n) {
    return 6 * n + 2;
  }

  /**
   * Writes the UTF-8 text {@code src[from, to)} as a quoted JSON string into {@code out} from
   * {@code at}, and returns where it ends: the bytes {@link #putUtf8(byte[], int, String)} writes
   * for the text decoded (malformed input as U+FFFD), without decoding ASCII text into a string
   * first. {@code out} must have room for {@link #maxUtf8Bytes(int) maxUtf8Bytes(to - from)}.
   */
  public static int putUtf8(byte[] out, int at, byte[] src, int from, int to) {
    for (int i = from; i < to; i++) {
      if (src[i] < 0) {
        // Beyond ASCII the decoder decides what is malformed: encode its string.
        return putUtf8(out, at, new String(src, from, to - from, StandardCharsets.UTF_8));
      }
    }
    out[at++] = '"';
    for (int i = from; i < to; i++) {
      byte c = src[i];
      if (c >= 0x20 && c != '"' && c != '\\') {
        out[at++] = c;
        continue;
      }
      at = putEscape(out, at, c);
    }
    out[at++] = '"';
    return at;
  }

  /** Writes the escape of {@code c}: a quote, a backslash or a control character below U+0020. */
  private static int putEscape(byte[] out, int at, int c) {
    out[at++] = '\\';
    switch (c) {
      case '"' -> out[at++] = '"';
      case '\\' -> out[at++] = '\\';
      case '\b' -> out[at++] = 'b';
      case '\t' -> out[at++] = 't';
      case '\n' -> out[at++] = 'n';
      case '\f' -> out[at++] = 'f';
      case '\r' -> out[at++] = 'r';
      default -> {
        out[at++] = 'u';
        out[at++] = '0';
        out[at++] = '0';
        out[at++] = (byte) HEX[c >> 4];
        out[at++] = (byte) HEX[c & 0xF];
      }
    }
    return at;
  }

  /** {@code s} as a quoted JSON string. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    appendString(out, s);
    return out.toString();
  }
}
