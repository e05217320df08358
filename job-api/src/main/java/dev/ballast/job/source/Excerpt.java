package dev.ballast.job.source;

import java.util.List;

/**
 * Short, printable excerpts of untrusted text for one-line error messages: a binary file's
 * "header" must not fill the terminal with control characters. Characters below U+0020, U+007F,
 * U+FFFD (what undecodable bytes become) and other non-printable characters are written as
 * {@code \\uXXXX} (tab, CR and LF as {@code \\t}, {@code \\r}, {@code \\n}); text longer than the
 * limit is cut and says how much was left out.
 */
public final class Excerpt {
  /** What error messages show of a header line or a list of column names. */
  public static final int DEFAULT_CHARS = 120;

  private Excerpt() {}

  /** {@code text} escaped and cut to about {@value #DEFAULT_CHARS} characters. */
  public static String of(String text) {
    return of(text, DEFAULT_CHARS);
  }

  /** The column names, comma-separated, escaped and cut as {@link #of(String)} does. */
  public static String ofNames(List<String> names) {
    return of(String.join(", ", names));
  }

  /** {@code text} escaped and cut after {@code maxChars} characters of the original. */
  public static String of(String text, int maxChars) {
    if (text == null) {
      return "null";
    }
    int end = Math.min(text.length(), maxChars);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder sb = new StringBuilder(end + 32);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        default -> {
          if (printable(c)) {
            sb.append(c);
          } else {
            sb.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    if (end < text.length()) {
      sb.append("… (").append(text.length() - end).append(" more characters)");
    }
    return sb.toString();
  }

  private static boolean printable(char c) {
    if (c < 0x20 || c == 0x7f || c == '\ufffd') {
      return false;
    }
    if (Character.isSurrogate(c)) {
      return true;
    }
    int type = Character.getType(c);
    return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
        && type != Character.PRIVATE_USE;
  }
}
