package dev.ballast.engine.stage;

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

  /** {@code s} as a quoted JSON string. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    appendString(out, s);
    return out.toString();
  }
}
