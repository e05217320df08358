package dev.ballast.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.FakeJobType;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.plan.StagedPlan;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanActivitiesImplTest {
  @TempDir Path tmp;

  private TestActivityEnvironment env;
  private PlanActivities activities;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new PlanActivitiesImpl(new JobTypes(Set.of(new FakeJobType()))));
    activities =
        env.newActivityStub(
            PlanActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private JobSpec spec(String type, List<String> inputs, Map<String, Object> parameters) {
    return new JobSpec(
        "nightly", type, inputs, tmp.resolve("out").toString(), parameters, 8L, null, null, null, null, null);
  }

  @Test
  void plansThroughTheActivity() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.csv"), "id,amount\n1,10\n2,20\n3,30\n");
    PlanResult plan = StagedPlan.expand(activities.plan(spec(FakeJobType.NAME, List.of(a.toString()), Map.of("mode", "ok"))));
    assertEquals(1, plan.inputs().size());
    assertEquals(List.of(2L, 4L), plan.chunks().stream().map(c -> c.firstLine()).toList());
    assertTrue(Files.isDirectory(Path.of(plan.stagingDir())));
  }

  @Test
  void failuresArriveTypedAndNonRetryable() throws Exception {
    Path good = Files.writeString(tmp.resolve("good.csv"), "amount\n1\n");
    Path noColumn = Files.writeString(tmp.resolve("nocol.csv"), "id\n1\n");
    Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
    assertActivityFailure(ErrorType.INPUT_NOT_FOUND, () -> activities.plan(spec("fake", List.of(tmp.resolve("nope.csv").toString()), null)));
    assertActivityFailure(ErrorType.BAD_SPEC, () -> activities.plan(spec("unknown", List.of(good.toString()), null)));
    assertActivityFailure(ErrorType.BAD_SPEC, () -> activities.plan(spec("fake", List.of(good.toString()), Map.of("mode", "no"))));
    assertActivityFailure(ErrorType.BAD_HEADER, () -> activities.plan(spec("fake", List.of(noColumn.toString()), null)));
    assertActivityFailure(ErrorType.BAD_HEADER, () -> activities.plan(spec("fake", List.of(empty.toString()), null)));
  }

  private static void assertActivityFailure(ErrorType type, Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(type.name(), cause.getType());
    assertTrue(cause.isNonRetryable(), () -> type + " must be non-retryable");
  }
}
