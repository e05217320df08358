package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** BALLAST_ALLOW_DRILLS: off unless asked for, and a typo is an error rather than a silent "off". */
class DrillWorkerTest {
  @Test
  void drillsAreOffUnlessTheEnvironmentSaysTrue() {
    assertFalse(DrillWorker.allowedByEnv(Map.of()));
    assertFalse(DrillWorker.allowedByEnv(Map.of(DrillWorker.ENV_ALLOW_DRILLS, " ")));
    assertFalse(DrillWorker.allowedByEnv(Map.of(DrillWorker.ENV_ALLOW_DRILLS, "false")));
    assertTrue(DrillWorker.allowedByEnv(Map.of(DrillWorker.ENV_ALLOW_DRILLS, "TRUE")));
    assertTrue(DrillWorker.allowedByEnv(Map.of(DrillWorker.ENV_ALLOW_DRILLS, "1")));
  }

  @Test
  void aValueThatIsNeitherTrueNorFalseIsRefusedNamingTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DrillWorker.allowedByEnv(Map.of(DrillWorker.ENV_ALLOW_DRILLS, "sometimes")));
    assertEquals("BALLAST_ALLOW_DRILLS must be true or false, not 'sometimes'", e.getMessage());
  }
}
