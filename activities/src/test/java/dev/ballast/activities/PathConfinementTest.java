package dev.ballast.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.ChunkActivities;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.activity.PlanActivities;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.ChunkTask;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.FakeJobType;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.files.DataRoots;
import dev.ballast.engine.plan.StagedPlan;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers only read and write under their data roots, whatever {@code ..} or links say. */
class PathConfinementTest {
  @TempDir Path tmp;

  private Path root;
  private Path outside;
  private DataRoots roots;
  private TestActivityEnvironment env;
  private PlanActivities plan;
  private ChunkActivities chunks;
  private CommitActivities commit;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("data"));
    outside = Files.createDirectories(tmp.resolve("secret"));
    roots = DataRoots.fromEnv(Map.of(DataRoots.ENV, root + java.io.File.pathSeparator));
    JobTypes types = new JobTypes(Set.of(new FakeJobType()));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new PlanActivitiesImpl(types).withDataRoots(roots),
        new ChunkActivitiesImpl(types).withDataRoots(roots),
        new CommitActivitiesImpl().withDataRoots(roots));
    ActivityOptions once =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    plan = env.newActivityStub(PlanActivities.class, once);
    chunks = env.newActivityStub(ChunkActivities.class, once);
    commit = env.newActivityStub(CommitActivities.class, once);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private JobSpec spec(List<String> inputs, Path output) {
    return new JobSpec("j", FakeJobType.NAME, inputs, output.toString(), null, 64L, null, null, null, null, null);
  }

  @Test
  void insideTheRootsIsAllowed() throws Exception {
    Path in = Files.writeString(root.resolve("in.csv"), "amount\n1\n2\n");
    PlanResult result = StagedPlan.expand(plan.plan(spec(List.of(in.toString()), root.resolve("out"))));
    assertEquals(1, result.inputs().size());
    assertTrue(result.stagingDir().startsWith(root.toRealPath().toString()));
  }

  @Test
  void inputOrOutputOutsideIsRefusedNonRetryably() throws Exception {
    Path in = Files.writeString(root.resolve("in.csv"), "amount\n1\n");
    Path secret = Files.writeString(outside.resolve("s.csv"), "amount\n1\n");
    String message = refused(() -> plan.plan(spec(List.of(secret.toString()), root.resolve("out"))));
    assertTrue(message.contains(secret.toString()) && message.contains(DataRoots.ENV), message);
    refused(() -> plan.plan(spec(List.of(in.toString()), outside.resolve("out"))));
    assertFalse(Files.exists(outside.resolve("out")), "nothing is created outside the roots");
  }

  @Test
  void dotDotEscapesAreRefused() throws Exception {
    Files.writeString(outside.resolve("s.csv"), "amount\n1\n");
    String sneaky = root + "/../secret/s.csv";
    refused(() -> plan.plan(spec(List.of(sneaky), root.resolve("out"))));
    refused(() -> plan.plan(spec(List.of(root + "/../secret/*.csv"), root.resolve("out"))));
    refused(() -> plan.plan(spec(List.of(root.resolve("in.csv").toString()), Path.of(root + "/x/../../secret/out"))));
  }

  @Test
  void symlinksLeadingOutAreRefused() throws Exception {
    Files.writeString(outside.resolve("s.csv"), "amount\n1\n");
    Path linkDir = Files.createSymbolicLink(root.resolve("link"), outside);
    Path linkFile = Files.createSymbolicLink(root.resolve("file.csv"), outside.resolve("s.csv"));
    // A file link, a path through a directory link, a directory input holding a link, and a link
    // followed by "..": the system resolves the link first, so "link/../x" is outside too.
    refused(() -> plan.plan(spec(List.of(linkFile.toString()), root.resolve("out"))));
    refused(() -> plan.plan(spec(List.of(linkDir.resolve("s.csv").toString()), root.resolve("out"))));
    Path dir = Files.createDirectories(root.resolve("dir"));
    Files.createSymbolicLink(dir.resolve("evil.csv"), outside.resolve("s.csv"));
    refused(() -> plan.plan(spec(List.of(dir.toString()), root.resolve("out"))));
    refused(() -> plan.plan(spec(List.of(root.resolve("in.csv").toString()), linkDir.resolve("out"))));
    Files.createDirectories(outside.resolve("inner"));
    Path viaLinkUp = Path.of(root + "/link/inner/../s.csv");
    refused(() -> plan.plan(spec(List.of(viaLinkUp.toString()), root.resolve("out"))));
  }

  @Test
  void chunkAndCommitCheckTheirPathsToo() throws Exception {
    Path secret = Files.writeString(outside.resolve("s.csv"), "amount\n1\n");
    ChunkRef ref = new ChunkRef(0, 0, secret.toString(), "s.csv", 7, 9, 2, "00000000");
    refused(() -> chunks.processChunk(new ChunkTask("j", FakeJobType.NAME, root.resolve("stage").toString(), Map.of(), ref)));
    refused(
        () ->
            commit.commit(
                new CommitRequest(
                    "j", outside.resolve("out").toString(), root.resolve("stage").toString(), Instant.now(),
                    List.of(), Counts.ZERO, List.of(), 1)));
    assertFalse(Files.exists(outside.resolve("out")));
  }

  @Test
  void unsetMeansUnconfinedAndMissingRootsAreNamed() {
    assertFalse(DataRoots.fromEnv(Map.of()).confined());
    DataRoots.fromEnv(Map.of()).check("input", outside.toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DataRoots.fromEnv(Map.of(DataRoots.ENV, tmp.resolve("nope").toString())));
    assertTrue(e.getMessage().contains(DataRoots.ENV), e.getMessage());
  }

  private static String refused(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(ErrorType.PATH_NOT_ALLOWED.name(), cause.getType(), cause.getOriginalMessage());
    assertTrue(cause.isNonRetryable());
    return cause.getOriginalMessage();
  }
}
