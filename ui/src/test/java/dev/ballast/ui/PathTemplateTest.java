package dev.ballast.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

  private static Map<String, String> match(String template, String rawPath) {
    return PathTemplate.parse(template).match(PathTemplate.splitRaw(rawPath));
  }

  @Test
  void bindsNestedVariablesAndDecodesEachSegmentOnce() {
    Map<String, String> values =
        match("/api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}/history", "/api/v1/namespaces/default/workflows/job%2F2024%2Bx%20y/history");
    assertEquals(Map.of("namespace", "default", "execution.workflow_id", "job/2024+x y"), values);
  }

  @Test
  void literalsAndSegmentCountMustMatch() {
    String t = "/api/v1/namespaces/{namespace}/workflows/{workflow_id}";
    assertNull(match(t, "/api/v1/namespaces/default/workflows"));
    assertNull(match(t, "/api/v1/namespaces/default/schedules/x"));
    assertNull(match(t, "/api/v1/namespaces/default/workflows/a/b"));
    assertNull(match(t, "/api/v1/namespaces//workflows/x"), "an empty variable does not match");
    assertEquals(Map.of("namespace", "n", "workflow_id", "x"), match(t, "/api/v1/namespaces/n/workflows/x/"));
  }

  @Test
  void acceptsSingleSegmentWildcardAndRejectsOtherSyntax() {
    assertEquals(Map.of("id", "7"), match("/api/v1/things/{id=*}", "/api/v1/things/7"));
    assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/api/v1/things/{id=**}"));
    assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/api/v1/things/x{id}"));
    assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("api/v1/things"));
    assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/api/v1/{9bad}"));
  }

  @Test
  void literalSegmentsAreMoreSpecificThanVariables() {
    PathTemplate literal = PathTemplate.parse("/api/v1/namespaces/{namespace}/workflows/execute-multi-operation");
    PathTemplate variable = PathTemplate.parse("/api/v1/namespaces/{namespace}/workflows/{workflow_id}");
    assertTrue(literal.specificityCompare(variable) < 0);
    assertTrue(variable.specificityCompare(literal) > 0);
    assertEquals(List.of("namespace", "workflow_id"), variable.variableNames());
  }
}
