package dev.ballast.worker;

import dev.ballast.activities.DrillActivitiesImpl;
import dev.ballast.api.TaskQueues;
import dev.ballast.worker.observe.BallastMetrics;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover-drill worker of a process started with {@code --allow-drills} (or {@value
 * #ENV_ALLOW_DRILLS}{@code =true}): polls {@link TaskQueues#DRILLS} for the drill's activities, whose
 * chunk stops this process hard with exit code {@value DrillActivitiesImpl#EXIT_CODE}. Workers
 * without it never poll that queue, so a drill never touches them.
 */
public final class DrillWorker {
  /** Environment variable that allows drills: {@code true} or {@code false} (default). */
  public static final String ENV_ALLOW_DRILLS = "BALLAST_ALLOW_DRILLS";

  private static final Logger log = LoggerFactory.getLogger(DrillWorker.class);

  private DrillWorker() {}

  /**
   * Whether {@code env} allows drills.
   *
   * @throws IllegalArgumentException when the value is neither true nor false
   */
  public static boolean allowedByEnv(Map<String, String> env) {
    String v = env.get(ENV_ALLOW_DRILLS);
    if (v == null || v.isBlank()) {
      return false;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(ENV_ALLOW_DRILLS + " must be true or false, not '" + v + "'");
    };
  }

  /**
   * Adds the drill worker to {@code factory}: one drill chunk at a time, with the same deployment
   * options as the worker's other queues (a pinned drill's activities go to its own build).
   */
  static void register(
      WorkerFactory factory, WorkerSettings settings, BallastMetrics metrics,
      io.temporal.worker.WorkerDeploymentOptions deployment) {
    Worker worker =
        factory.newWorker(
            TaskQueues.DRILLS,
            WorkerOptions.newBuilder()
                .setIdentity(settings.identity())
                .setMaxHeartbeatThrottleInterval(WorkerService.MAX_HEARTBEAT_THROTTLE)
                .setMaxConcurrentActivityExecutionSize(1)
                .setDeploymentOptions(deployment)
                .build());
    worker.registerActivitiesImplementations(
        new DrillActivitiesImpl(
            settings.identity(),
            code -> {
              log.warn("Failover drill: stopping this worker process now (exit code {})", code);
              Runtime.getRuntime().halt(code);
            },
            metrics::drillFailover));
    log.info("Drills allowed: worker {} also polls {}", settings.identity(), TaskQueues.DRILLS);
  }
}
