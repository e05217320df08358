package dev.ballast.starter;

import dev.ballast.api.model.JobProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** A job's progress as one line of text: plain for logs and pipes, a bar for a terminal. */
public final class ProgressText {
  private ProgressText() {}

  /**
   * A plain progress line, for logs and pipes: {@code PROCESS  chunks 12/40  rows 1,234,567
   * rejected 321  45,000 rows/s  12.3 MB/s  ETA 00:31  00:12}.
   */
  public static String format(JobProgress p, Duration elapsed) {
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    double mbPerSecond = p.bytesDone() / 1_000_000.0 / seconds;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-8s", p.stage()));
    if (p.paused()) {
      sb.append(" (paused)");
    }
    sb.append(String.format(Locale.ROOT, "  chunks %d/%d", p.chunksDone(), p.chunksTotal()));
    if (p.counts() != null) {
      sb.append(String.format(Locale.ROOT, "  rows %,d  rejected %,d", p.counts().rows(), p.counts().rejected()));
      sb.append(String.format(Locale.ROOT, "  %,.0f rows/s", p.counts().rows() / seconds));
    }
    sb.append(String.format(Locale.ROOT, "  %.1f MB/s", mbPerSecond));
    eta(p, elapsed).ifPresent(eta -> sb.append("  ETA ").append(clock(eta)));
    sb.append("  ").append(clock(elapsed));
    return sb.toString();
  }

  /**
   * A progress bar for a terminal: {@code PROCESS [#######.......] 12/40 chunks  1,234,567 rows
   * 45,000 rows/s  ETA 00:31  rejected 321  00:12}.
   */
  public static String bar(JobProgress p, Duration elapsed, int width) {
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    double fraction =
        p.bytesTotal() > 0
            ? (double) p.bytesDone() / p.bytesTotal()
            : p.chunksTotal() > 0 ? (double) p.chunksDone() / p.chunksTotal() : 0;
    int filled = (int) Math.round(Math.min(1, Math.max(0, fraction)) * width);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-7s ", p.stage()));
    sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append(']');
    sb.append(String.format(Locale.ROOT, " %3d%%  %d/%d chunks", Math.round(fraction * 100), p.chunksDone(), p.chunksTotal()));
    long rows = p.counts() == null ? 0 : p.counts().rows();
    long rejected = p.counts() == null ? 0 : p.counts().rejected();
    sb.append(String.format(Locale.ROOT, "  %,d rows  %,.0f rows/s", rows, rows / seconds));
    sb.append("  ETA ").append(eta(p, elapsed).map(ProgressText::clock).orElse("--:--"));
    sb.append(String.format(Locale.ROOT, "  rejected %,d", rejected));
    if (p.paused()) {
      sb.append("  (paused)");
    }
    sb.append("  ").append(clock(elapsed));
    return sb.toString();
  }

  /** Time left at the average byte rate so far; empty before any byte is done or after all. */
  static Optional<Duration> eta(JobProgress p, Duration elapsed) {
    if (p.bytesDone() <= 0 || p.bytesTotal() <= p.bytesDone() || elapsed.toMillis() <= 0
        || !"PROCESS".equals(p.stage())) {
      return Optional.empty();
    }
    double perByte = (double) elapsed.toMillis() / p.bytesDone();
    return Optional.of(Duration.ofMillis((long) (perByte * (p.bytesTotal() - p.bytesDone()))));
  }

  /** {@code mm:ss}, or {@code h:mm:ss} past an hour. */
  public static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
