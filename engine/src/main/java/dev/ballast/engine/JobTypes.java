package dev.ballast.engine;

import dev.ballast.job.JobType;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The job types a worker was built with, by name. */
public final class JobTypes {
  private final Map<String, JobType<?, ?, ?>> byName = new TreeMap<>();

  public JobTypes(Set<JobType<?, ?, ?>> types) {
    for (JobType<?, ?, ?> type : types) {
      byName.put(type.name(), type);
    }
  }

  /**
   * The job type called {@code name}.
   *
   * @throws IllegalArgumentException naming the known types when there is none
   */
  public JobType<?, ?, ?> get(String name) {
    JobType<?, ?, ?> type = byName.get(name);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown job type '" + name + "' (known: " + String.join(", ", byName.keySet()) + ")");
    }
    return type;
  }

  public Set<String> names() {
    return byName.keySet();
  }
}
