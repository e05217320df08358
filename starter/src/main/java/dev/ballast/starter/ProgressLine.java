package dev.ballast.starter;

import java.io.PrintWriter;

/** A progress line: rewritten in place with \r on a terminal, a plain line otherwise. */
final class ProgressLine {
  private final PrintWriter out;
  private final boolean terminal;
  private int width;

  ProgressLine(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(String text) {
    if (terminal) {
      String padded = text.length() < width ? text + " ".repeat(width - text.length()) : text;
      out.print("\r" + padded);
      width = text.length();
    } else {
      out.println(text);
    }
    out.flush();
  }

  void finish() {
    if (terminal && width > 0) {
      out.println();
      out.flush();
      width = 0;
    }
  }
}
