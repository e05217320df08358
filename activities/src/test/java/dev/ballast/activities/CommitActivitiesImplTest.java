package dev.ballast.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.OutputFile;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.files.StagingLayout;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitActivitiesImplTest {
  static final Instant NOW = Instant.parse("2026-11-27T10:15:00Z");

  @TempDir Path tmp;

  private TestActivityEnvironment env;
  private CommitActivities activities;
  private final List<String> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new CommitActivitiesImpl(Clock.fixed(NOW, ZoneOffset.UTC)));
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
    activities =
        env.newActivityStub(
            CommitActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private CommitRequest stage(Path out, String jobId, String content) throws Exception {
    StagingLayout layout = StagingLayout.forJob(out, jobId);
    Files.createDirectories(layout.outDir());
    Path f = Files.writeString(layout.outDir().resolve("settlement.csv"), content);
    List<OutputFile> outputs = new ArrayList<>(List.of(new OutputFile("settlement.csv", Files.size(f), Fingerprints.sha256(f))));
    return new CommitRequest(
        jobId, out.toString(), layout.dir().toString(), NOW.minusSeconds(60), List.of(), new Counts(1, 1, 0, 0), outputs, 3);
  }

  @Test
  void publishesThroughTheActivity() throws Exception {
    Path out = tmp.resolve("out");
    CommitRequest r = stage(out, "job-1", "merchant,total\nm,1\n");
    CommitResult result = activities.commit(r);
    assertEquals(NOW.toString(), result.finishedAt());
    assertEquals(List.of("settlement.csv", "manifest.json"), result.files().stream().map(OutputFile::name).toList());
    assertEquals(List.of(), ManifestVerifier.verify(out));
    assertFalse(Files.exists(Path.of(r.stagingDir())));
    // the SDK throttles heartbeats; the first always goes through and names the step
    assertEquals("prepare", heartbeats.get(0));
  }

  @Test
  void corruptStagedOutputIsARetryableFailure() throws Exception {
    Path out = tmp.resolve("out");
    CommitRequest r = stage(out, "job-1", "merchant,total\nm,1\n");
    Files.writeString(Path.of(r.stagingDir()).resolve("out/settlement.csv"), "merchant,total\nm,2\n");
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> activities.commit(r));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(ErrorType.STAGED_RESULT_CORRUPT.name(), cause.getType());
    assertFalse(cause.isNonRetryable());
    assertFalse(Files.exists(out.resolve("manifest.json")));
  }

  @Test
  void discardDeletesTheStagingArea() throws Exception {
    Path out = tmp.resolve("out");
    CommitRequest r = stage(out, "job-1", "x\n");
    activities.discard(new DiscardRequest("job-1", out.toString()));
    assertFalse(Files.exists(Path.of(r.stagingDir())));
    activities.discard(new DiscardRequest("job-1", out.toString()));
  }
}
