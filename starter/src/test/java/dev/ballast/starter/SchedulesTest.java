package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.ScheduleBackfill;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SchedulesTest {
  private static final ScheduleOverlapPolicy ALL = ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL;

  @Test
  void backfillWindowsLeaveOutCompletedNominalTimes() {
    Instant from = Instant.parse("2026-12-01T00:00:00Z");
    Instant to = Instant.parse("2026-12-03T23:59:59.999Z");
    Instant d2 = Instant.parse("2026-12-02T02:00:00Z");
    assertEquals(List.of(new ScheduleBackfill(from, to, ALL)), Schedules.windows(from, to, new TreeSet<>(), ALL));
    assertEquals(
        List.of(
            new ScheduleBackfill(from, d2.minusMillis(1), ALL),
            new ScheduleBackfill(d2.plusMillis(1), to, ALL)),
        Schedules.windows(from, to, new TreeSet<>(List.of(d2)), ALL));
    // Everything completed, at both ends: nothing left to run.
    Instant single = Instant.parse("2026-12-01T02:00:00Z");
    assertEquals(
        List.of(),
        Schedules.windows(single, single, new TreeSet<>(List.of(single)), ALL));
  }

  @Test
  void overlapPoliciesByName() {
    Schedules.OverlapConverter c = new Schedules.OverlapConverter();
    assertEquals(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, c.convert("skip"));
    assertEquals(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, c.convert("buffer-one"));
    assertEquals(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, c.convert("ALLOW-ALL"));
    assertEquals("buffer-one", Schedules.name(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE));
    assertThrows(TypeConversionException.class, () -> c.convert("unspecified"));
    assertThrows(TypeConversionException.class, () -> c.convert("sometimes"));
  }
}
