package dev.ballast.starter.spec;

import com.google.inject.Guice;
import dev.ballast.activities.ActivitiesModule;
import dev.ballast.api.model.JobSpec;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.job.JobType;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a job spec against the job types on the class path (the built-in ones and every job
 * type a jar lists in META-INF/services), before anything is started: an unknown type, an unknown,
 * missing or mistyped parameter is a {@link SpecException} that lists what is allowed. {@link
 * #resolve} also writes the job type's declared stage policies into the spec, so the workflows,
 * which only read the spec, apply them deterministically.
 */
public final class SpecValidator {
  private final JobTypes types;

  public SpecValidator(JobTypes types) {
    this.types = types;
  }

  /** A validator of the job types found the way a worker finds them. */
  public static SpecValidator discovered() {
    return new SpecValidator(registered());
  }

  /** The job types a worker built like this starter would register. */
  public static JobTypes registered() {
    return Guice.createInjector(new ActivitiesModule()).getInstance(JobTypes.class);
  }

  /** Checks {@code spec}'s type and parameters; returns it unchanged. */
  public JobSpec check(JobSpec spec) {
    if (spec.type() == null) {
      return spec;
    }
    JobType<?, ?, ?> type;
    try {
      type = types.get(spec.type());
    } catch (IllegalArgumentException e) {
      throw new SpecException("job spec: " + e.getMessage());
    }
    try {
      TypedParameters.check(type, spec.parameters());
    } catch (IllegalArgumentException e) {
      throw new SpecException("job spec: " + e.getMessage());
    }
    return spec;
  }

  /**
   * Checks {@code spec} like {@link #check} and returns it with its job type's declared stage
   * policies ({@code JobType.defaultPolicy}) resolved into it: for each stage whose type default
   * differs from the engine's, the spec's own policy for that stage completed field by field by the
   * type's (the spec's fields win), or the type's when the spec has none. Stages where the type
   * declares nothing of its own are left as they are.
   */
  public JobSpec resolve(JobSpec spec) {
    check(spec);
    if (spec.type() == null) {
      return spec;
    }
    JobType<?, ?, ?> type = types.get(spec.type());
    Map<String, StagePolicy> policies = spec.policies() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(spec.policies());
    boolean changed = false;
    for (Stage stage : Stage.values()) {
      StagePolicy declared = type.defaultPolicy(stage);
      if (declared == null || declared.equals(StagePolicy.defaults(stage))) {
        continue;
      }
      StagePolicy own = policies.get(stage.key());
      policies.put(stage.key(), own == null ? declared : own.orElse(declared));
      changed = true;
    }
    if (!changed) {
      return spec;
    }
    return new JobSpec(
        spec.id(), spec.type(), spec.inputs(), spec.output(), spec.parameters(), spec.chunkBytes(),
        spec.maxInFlight(), spec.tolerance(), policies, spec.keepBackups(),
        spec.historyEventLimit(), spec.alerts(), spec.deadline());
  }
}
