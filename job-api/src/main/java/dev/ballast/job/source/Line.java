package dev.ballast.job.source;

import dev.ballast.job.SourceRecord;
/**
 * One line of an input file as bytes, without its line ending: {@code bytes()[start(), end())}.
 * {@link LineSource} reuses one instance for every line it reads, so it is only valid until the
 * next call to {@link LineSource#next}; {@link #raw()} decodes it (invalid UTF-8 becomes U+FFFD)
 * only when asked, which for most jobs means only for rejected lines.
 */
public final class Line implements SourceRecord<Line> {
  private byte[] bytes;
  private int start;
  private int end;
  private long line;

  void set(byte[] bytes, int start, int end, long line) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.line = line;
  }

  /** The buffer holding the line; read only {@code [start(), end())}. */
  public byte[] bytes() {
    return bytes;
  }

  /** Index in {@link #bytes()} of the line's first byte. */
  public int start() {
    return start;
  }

  /** Index in {@link #bytes()} just past the line's last byte (before CR LF or LF). */
  public int end() {
    return end;
  }

  @Override
  public long line() {
    return line;
  }

  @Override
  public String raw() {
    return Utf8.decode(bytes, start, end);
  }

  /** This line itself: a byte-level job parses it in its processor. */
  @Override
  public Line value() {
    return this;
  }

  @Override
  public String toString() {
    return "line " + line + ": " + raw();
  }
}
