package dev.ballast.api.activity;

import dev.ballast.api.model.DrillChunk;
import dev.ballast.api.model.DrillChunkResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The failover drill's activities, on the drill task queue (only workers started with {@code
 * --allow-drills} poll it).
 */
@ActivityInterface
public interface DrillActivities {
  /** Answers with the identity of the worker that took it: a drill worker is there. */
  @ActivityMethod(name = "DrillEnlist")
  String enlist(String drillId);

  /**
   * Runs the drill chunk ({@link DrillChunk}). The first attempt stops this worker's process with
   * exit code {@code 75} after its checkpoint reached the server; a later attempt resumes from the
   * checkpoint and returns the sum and who stopped and resumed when.
   */
  @ActivityMethod(name = "DrillChunk")
  DrillChunkResult runChunk(DrillChunk chunk);
}
