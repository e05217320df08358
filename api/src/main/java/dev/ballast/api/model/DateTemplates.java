package dev.ballast.api.model;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The date placeholders of a scheduled job's spec: {@code {date}} (the run's nominal date, {@code
 * yyyy-MM-dd}, in the schedule's time zone) and {@code {date-N}} (N days earlier). They may appear
 * in inputs, output and string parameters (also inside lists and maps). Rendering is a pure
 * function of the spec and the nominal date, so a retried or backfilled run reads the same inputs.
 */
public final class DateTemplates {
  /** Memo key of a scheduled job: the schedule's time zone (an IANA zone id such as {@code UTC}). */
  public static final String MEMO_TIMEZONE = "ballastTimezone";
  /** Memo key of a scheduled job: the id of the schedule that started it. */
  public static final String MEMO_SCHEDULE = "ballastSchedule";
  /** The search attribute Temporal sets on a workflow a schedule starts: its nominal time. */
  public static final String SCHEDULED_START_TIME = "TemporalScheduledStartTime";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{date(?:-(\\d{1,4}))?\\}");

  private DateTemplates() {}

  /** Whether {@code spec}'s inputs, output or parameters hold a date placeholder. */
  public static boolean uses(JobSpec spec) {
    return spec.inputs() != null && spec.inputs().stream().anyMatch(DateTemplates::uses)
        || uses(spec.output())
        || spec.parameters() != null && usesIn(spec.parameters());
  }

  /** Whether {@code text} holds a date placeholder. */
  public static boolean uses(String text) {
    return text != null && PLACEHOLDER.matcher(text).find();
  }

  private static boolean usesIn(Object value) {
    if (value instanceof String s) {
      return uses(s);
    }
    if (value instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(DateTemplates::usesIn);
    }
    if (value instanceof List<?> l) {
      return l.stream().anyMatch(DateTemplates::usesIn);
    }
    return false;
  }

  /** {@code spec} with every placeholder replaced for nominal date {@code date}. */
  public static JobSpec render(JobSpec spec, LocalDate date) {
    List<String> inputs = spec.inputs() == null ? null : spec.inputs().stream().map(i -> render(i, date)).toList();
    @SuppressWarnings("unchecked")
    Map<String, Object> parameters =
        spec.parameters() == null ? null : (Map<String, Object>) renderValue(spec.parameters(), date);
    return new JobSpec(
        spec.id(), spec.type(), inputs, render(spec.output(), date), parameters, spec.chunkBytes(),
        spec.maxInFlight(), spec.tolerance(), spec.policies(), spec.keepBackups(),
        spec.historyEventLimit(), spec.alerts(), spec.deadline());
  }

  /** {@code text} with {@code {date}} and {@code {date-N}} replaced for nominal date {@code date}. */
  public static String render(String text, LocalDate date) {
    if (text == null) {
      return null;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      long back = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(date.minusDays(back).toString()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static Object renderValue(Object value, LocalDate date) {
    if (value instanceof String s) {
      return render(s, date);
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, renderValue(v, date)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(renderValue(v, date)));
      return out;
    }
    return value;
  }
}
