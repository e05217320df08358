package dev.ballast.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job is: its type, its inputs, where its outputs go, its parameters and its policies. It
 * travels in workflow history, so it holds references (paths), never rows.
 *
 * <p>Any field but {@code type}, {@code inputs} and {@code output} may be null in a spec file;
 * {@link #withDefaults()} fills in the documented defaults.
 *
 * @param id job id, which is also the job workflow's id
 * @param type job type, for example {@code settlement}
 * @param inputs input files, directories (every regular file in it, sorted by name) or globs
 * @param output output directory; published results and the {@code .ballast} staging area live here
 * @param parameters the job type's parameters (settlement: {@code rates}, a currency → USD map)
 * @param chunkBytes target size of a chunk in bytes; chunks end at line boundaries
 * @param maxInFlight largest number of chunks processed at once
 * @param tolerance rejected rows tolerated before the job fails
 * @param policies per-stage overrides of retry and timeout policies, keyed by stage name ({@code
 *     plan}, {@code process}, {@code merge}, {@code commit})
 * @param keepBackups how many earlier published results to keep when a new one replaces them
 * @param historyEventLimit the process stage continues as new past this many history events
 * @param alerts webhooks told when the job fails (or completes, if asked); null for none
 * @param deadline when the job should have completed ({@link Deadline}): a duration from the run's
 *     nominal time ({@code 4h}) or a clock time in the schedule's zone ({@code 06:00}); null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    String id,
    String type,
    List<String> inputs,
    String output,
    Map<String, Object> parameters,
    Long chunkBytes,
    Integer maxInFlight,
    Tolerance tolerance,
    Map<String, StagePolicy> policies,
    Integer keepBackups,
    Integer historyEventLimit,
    Alerts alerts,
    String deadline) {

  /** A spec without a deadline (the fields before {@code deadline} was added). */
  public JobSpec(
      String id,
      String type,
      List<String> inputs,
      String output,
      Map<String, Object> parameters,
      Long chunkBytes,
      Integer maxInFlight,
      Tolerance tolerance,
      Map<String, StagePolicy> policies,
      Integer keepBackups,
      Integer historyEventLimit,
      Alerts alerts) {
    this(
        id, type, inputs, output, parameters, chunkBytes, maxInFlight, tolerance, policies,
        keepBackups, historyEventLimit, alerts, null);
  }

  /** A spec without alerts (the fields before {@code alerts} was added). */
  public JobSpec(
      String id,
      String type,
      List<String> inputs,
      String output,
      Map<String, Object> parameters,
      Long chunkBytes,
      Integer maxInFlight,
      Tolerance tolerance,
      Map<String, StagePolicy> policies,
      Integer keepBackups,
      Integer historyEventLimit) {
    this(
        id, type, inputs, output, parameters, chunkBytes, maxInFlight, tolerance, policies,
        keepBackups, historyEventLimit, null);
  }

  /**
   * Default target chunk size: 16 MiB. Measured on 2 cores (bench/README.md): smaller chunks cost
   * more CPU per row (more activities, workflow tasks and staged totals to merge), larger ones
   * leave slots idle at the end of small jobs; a chunk's memory does not grow with its size.
   */
  public static final long DEFAULT_CHUNK_BYTES = 16L << 20;
  /**
   * Default number of chunks in flight: 8, enough to keep the chunk slots of a few workers busy
   * (each worker runs as many chunks as it has cores); chunks beyond the slots wait in the queue.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 8;
  /** Default number of earlier results kept as backups. */
  public static final int DEFAULT_KEEP_BACKUPS = 3;
  /** Default history length past which the process stage continues as new. */
  public static final int DEFAULT_HISTORY_EVENT_LIMIT = 5_000;

  /** This spec with every optional field resolved to its default. */
  public JobSpec withDefaults() {
    Map<String, StagePolicy> resolved = new LinkedHashMap<>();
    for (Stage stage : Stage.values()) {
      resolved.put(stage.key(), policy(stage));
    }
    return new JobSpec(
        id,
        type,
        inputs,
        output,
        parameters == null ? Map.of() : parameters,
        chunkBytes == null ? DEFAULT_CHUNK_BYTES : chunkBytes,
        maxInFlight == null ? DEFAULT_MAX_IN_FLIGHT : maxInFlight,
        tolerance == null ? new Tolerance(null, null) : tolerance,
        resolved,
        keepBackups == null ? DEFAULT_KEEP_BACKUPS : keepBackups,
        historyEventLimit == null ? DEFAULT_HISTORY_EVENT_LIMIT : historyEventLimit,
        alerts,
        deadline);
  }

  /** The resolved policy of a stage: the spec's override, completed by the stage's defaults. */
  public StagePolicy policy(Stage stage) {
    StagePolicy override = policies == null ? null : policies.get(stage.key());
    StagePolicy defaults = StagePolicy.defaults(stage);
    return override == null ? defaults : override.orElse(defaults);
  }

  /** A copy with another id. */
  public JobSpec withId(String newId) {
    return new JobSpec(
        newId, type, inputs, output, parameters, chunkBytes, maxInFlight, tolerance, policies,
        keepBackups, historyEventLimit, alerts, deadline);
  }

  /** A copy with other alerts. */
  public JobSpec withAlerts(Alerts newAlerts) {
    return new JobSpec(
        id, type, inputs, output, parameters, chunkBytes, maxInFlight, tolerance, policies,
        keepBackups, historyEventLimit, newAlerts, deadline);
  }

  /** A copy with another deadline. */
  public JobSpec withDeadline(String newDeadline) {
    return new JobSpec(
        id, type, inputs, output, parameters, chunkBytes, maxInFlight, tolerance, policies,
        keepBackups, historyEventLimit, alerts, newDeadline);
  }
}
