package dev.ballast.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DateTemplatesTest {
  private static final LocalDate NOMINAL = LocalDate.of(2026, 3, 1);

  @Test
  void rendersTheNominalDateAndDaysBeforeItAcrossAMonthEnd() {
    assertEquals("in/2026-03-01.csv", DateTemplates.render("in/{date}.csv", NOMINAL));
    assertEquals("in/2026-02-28/x-2026-02-27", DateTemplates.render("in/{date-1}/x-{date-2}", NOMINAL));
    assertEquals("2025-03-01", DateTemplates.render("{date-365}", NOMINAL));
    assertEquals("plain/{dates}/{date+1}", DateTemplates.render("plain/{dates}/{date+1}", NOMINAL));
  }

  @Test
  void findsAndRendersPlaceholdersInInputsOutputAndNestedParameters() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("asOf", "{date-1}");
    params.put("rates", Map.of("EUR", 1.08));
    params.put("files", List.of("a-{date}", 3));
    JobSpec spec =
        new JobSpec("s", "settlement", List.of("in/{date-1}.csv", "fixed.csv"), "out/{date}", params,
            null, null, null, null, null, null);
    assertTrue(DateTemplates.uses(spec));
    JobSpec r = DateTemplates.render(spec, NOMINAL);
    assertFalse(DateTemplates.uses(r));
    assertEquals(List.of("in/2026-02-28.csv", "fixed.csv"), r.inputs());
    assertEquals("out/2026-03-01", r.output());
    assertEquals("2026-02-28", r.parameters().get("asOf"));
    assertEquals(Map.of("EUR", 1.08), r.parameters().get("rates"));
    assertEquals(List.of("a-2026-03-01", 3), r.parameters().get("files"));
    assertFalse(DateTemplates.uses(new JobSpec("s", "t", List.of("a"), "b", Map.of("k", 1), null, null, null, null, null, null)));
  }
}
