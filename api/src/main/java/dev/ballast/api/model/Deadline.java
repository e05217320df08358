package dev.ballast.api.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's deadline, as a spec writes it: a duration from the run's nominal time ({@code 90s},
 * {@code 30m}, {@code 4h}, {@code 1d}) or a clock time ({@code 06:00}, {@code 06:00:30}) in the
 * schedule's zone, meaning its first occurrence at or after the nominal time. A job a schedule did
 * not start counts from its own start, in UTC.
 *
 * @param after the duration, or null for a clock time
 * @param clock the clock time, or null for a duration
 */
public record Deadline(Duration after, LocalTime clock) {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  public static Deadline parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return new Deadline(d, null);
    }
    if (t.contains(":")) {
      try {
        return new Deadline(null, LocalTime.parse(t.length() == 4 ? "0" + t : t));
      } catch (DateTimeParseException e) {
        // falls through
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a deadline (a duration such as 90s, 30m, 4h, 1d, or a clock time such as 06:00)");
  }

  /** The instant of this deadline for a run of nominal time {@code nominal} in zone {@code zone}. */
  public Instant at(Instant nominal, ZoneId zone) {
    if (after != null) {
      return nominal.plus(after);
    }
    ZonedDateTime start = nominal.atZone(zone);
    ZonedDateTime at = start.toLocalDate().atTime(clock).atZone(zone);
    return at.isBefore(start) ? start.toLocalDate().plusDays(1).atTime(clock).atZone(zone).toInstant() : at.toInstant();
  }

  @Override
  public String toString() {
    return after != null ? after.toString() : clock.toString();
  }
}
