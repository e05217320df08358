package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.VersioningBehavior;
import io.temporal.worker.WorkerDeploymentOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerVersioningTest {
  @Test
  void defaultsAreDeploymentBallastTheBuiltVersionAndAuto() {
    WorkerVersioning v = WorkerVersioning.fromEnv(Map.of());
    assertEquals("ballast", v.deployment());
    assertEquals(WorkerVersioning.Mode.AUTO, v.mode());
    assertEquals(WorkerVersioning.defaultBuildId(), v.buildId());
  }

  @Test
  void theDefaultBuildIdIsTheProjectVersionPlusTheCommitWhenBuiltFromGit() {
    String id = WorkerVersioning.defaultBuildId();
    // Maven filtered the version in (never the raw placeholder); the commit is there only when
    // the sources were a git checkout with git installed.
    assertFalse(id.contains("${"), id);
    assertTrue(id.matches("[0-9][^+]*(\\+[0-9a-f]{7,40})?"), id);
  }

  @Test
  void environmentOverrides() {
    WorkerVersioning v = WorkerVersioning.fromEnv(Map.of(
        "BALLAST_DEPLOYMENT", " nightly ", "BALLAST_BUILD_ID", "2026.12-a", "BALLAST_VERSIONING", "OFF"));
    assertEquals("nightly", v.deployment());
    assertEquals("2026.12-a", v.buildId());
    assertEquals(WorkerVersioning.Mode.OFF, v.mode());
  }

  @Test
  void malformedValuesNameTheVariable() {
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
        () -> WorkerVersioning.fromEnv(Map.of("BALLAST_VERSIONING", "maybe")));
    assertTrue(mode.getMessage().startsWith("BALLAST_VERSIONING must be auto, on or off"), mode.getMessage());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> WorkerVersioning.fromEnv(Map.of("BALLAST_DEPLOYMENT", "a.b")));
    assertTrue(name.getMessage().startsWith("BALLAST_DEPLOYMENT must not contain"), name.getMessage());
  }

  @Test
  void versionedWorkersPinTheirWorkflowsAndUnversionedOnesStillReportTheirBuild() {
    WorkerVersioning v = new WorkerVersioning("ballast", "b1", WorkerVersioning.Mode.AUTO);
    WorkerDeploymentOptions on = v.options(true);
    assertTrue(on.isUsingVersioning());
    assertEquals(VersioningBehavior.PINNED, on.getDefaultVersioningBehavior());
    assertEquals("b1", on.getVersion().getBuildId());
    WorkerDeploymentOptions off = v.options(false);
    assertFalse(off.isUsingVersioning());
    assertEquals("ballast", off.getVersion().getDeploymentName());
    assertEquals("b1", off.getVersion().getBuildId());
  }
}
