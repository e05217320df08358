package dev.ballast.job.policy;

import java.util.Locale;

/** The stages of a job, in the order they run. Each is a child workflow of the job workflow. */
public enum Stage {
  PLAN,
  PROCESS,
  MERGE,
  COMMIT;

  /** The stage's name as written in job specs and workflow ids: {@code plan}, {@code process}... */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a spec key such as {@code process}; case-insensitive. */
  public static Stage fromKey(String key) {
    for (Stage s : values()) {
      if (s.key().equalsIgnoreCase(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown stage '" + key + "' (expected one of plan, process, merge, commit)");
  }
}
