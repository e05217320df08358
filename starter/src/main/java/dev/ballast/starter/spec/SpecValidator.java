package dev.ballast.starter.spec;

import com.google.inject.Guice;
import dev.ballast.activities.ActivitiesModule;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.job.Parameters;
import dev.ballast.api.model.JobSpec;

/**
 * Checks a job spec against the job types this build registers (the built-in ones and every
 * {@code JobModule} on the class path), before anything is started: an unknown type, an unknown,
 * missing or mistyped parameter is a {@link SpecException} that lists what is allowed.
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
    JobType type;
    try {
      type = types.get(spec.type());
    } catch (IllegalArgumentException e) {
      throw new SpecException("job spec: " + e.getMessage());
    }
    try {
      if (!type.parameters().isEmpty()) {
        Parameters.check(type.name(), type.parameters(), spec.parameters());
      }
      type.checkParameters(spec.parameters() == null ? java.util.Map.of() : spec.parameters());
    } catch (IllegalArgumentException e) {
      throw new SpecException("job spec: " + e.getMessage());
    }
    return spec;
  }
}
