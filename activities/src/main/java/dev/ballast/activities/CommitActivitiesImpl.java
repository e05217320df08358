package dev.ballast.activities;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.CommitActivities;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.StopRequest;
import dev.ballast.engine.Failures;
import dev.ballast.engine.commit.Committer;
import dev.ballast.engine.files.AtomicFiles;
import dev.ballast.engine.files.DataRoots;
import dev.ballast.engine.files.StagingLayout;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit activities: run a {@link Committer}, heartbeating the name of each step reached so
 * that a long verification of large outputs keeps the attempt alive.
 */
public class CommitActivitiesImpl implements CommitActivities {
  private static final Logger log = LoggerFactory.getLogger(CommitActivitiesImpl.class);

  private final Clock clock;
  private DataRoots dataRoots = DataRoots.fromEnv();

  @Inject
  public CommitActivitiesImpl() {
    this(Clock.systemUTC());
  }

  /** An implementation taking {@code finishedAt} from {@code clock}. */
  public CommitActivitiesImpl(Clock clock) {
    this.clock = clock;
  }

  /** Confines this instance to {@code roots} instead of those of {@link DataRoots#ENV}. */
  public CommitActivitiesImpl withDataRoots(DataRoots roots) {
    this.dataRoots = roots;
    return this;
  }

  @Override
  public CommitResult commit(CommitRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    dataRoots.check("output", request.outputDir());
    dataRoots.check("staging directory", request.stagingDir());
    return new Committer(clock, context::heartbeat).commit(request);
  }

  @Override
  public void stopChunks(StopRequest request) {
    Path marker = StagingLayout.ofStagingDir(Path.of(request.stagingDir())).stopMarker();
    try {
      AtomicFiles.write(marker, ("stop requested for job " + request.jobId() + "\n").getBytes(UTF_8));
      log.info("asked the chunks of job {} to stop", request.jobId());
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot write stop marker " + marker + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void discard(DiscardRequest request) {
    new Committer(clock, step -> {}).discard(request);
  }
}
