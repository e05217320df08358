package dev.ballast.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  @Test
  void aDurationCountsFromTheNominalTime() {
    Instant nominal = Instant.parse("2026-12-05T02:00:00Z");
    assertEquals(Instant.parse("2026-12-05T06:00:00Z"), Deadline.parse("4h").at(nominal, ZoneOffset.UTC));
    assertEquals(Instant.parse("2026-12-05T02:01:30Z"), Deadline.parse("90s").at(nominal, ZoneOffset.UTC));
  }

  @Test
  void aClockTimeIsItsFirstOccurrenceAtOrAfterTheNominalTimeInTheZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    // 02:00 in Paris (01:00Z in winter); 06:00 the same morning.
    Instant nominal = Instant.parse("2026-12-05T01:00:00Z");
    assertEquals(Instant.parse("2026-12-05T05:00:00Z"), Deadline.parse("06:00").at(nominal, paris));
    // A run at 23:00 with a deadline of 6:00 has until the next morning.
    Instant evening = Instant.parse("2026-12-05T22:00:00Z");
    assertEquals(Instant.parse("2026-12-06T05:00:00Z"), Deadline.parse("6:00").at(evening, paris));
  }

  @Test
  void anythingElseIsRefusedWithTheAcceptedForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Deadline.parse("soon"));
    assertEquals(true, e.getMessage().contains("06:00"));
    assertThrows(IllegalArgumentException.class, () -> Deadline.parse("25:00"));
    assertThrows(IllegalArgumentException.class, () -> Deadline.parse("4w"));
  }
}
