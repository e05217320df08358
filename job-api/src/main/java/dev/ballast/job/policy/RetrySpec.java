package dev.ballast.job.policy;

import java.time.Duration;
import java.util.List;

/**
 * A declared retry policy. Every field may be null in a spec, meaning "take the default"; {@link
 * #orElse} fills the gaps.
 *
 * @param initialInterval wait before the first retry
 * @param backoffCoefficient growth of the wait between attempts
 * @param maximumInterval cap on the wait between attempts
 * @param maximumAttempts attempts in all, the first included; 0 means unlimited
 * @param nonRetryableErrorTypes failure types (see {@code ErrorType}) never retried, in addition
 *     to those Ballast always treats as final
 */
public record RetrySpec(
    Duration initialInterval,
    Double backoffCoefficient,
    Duration maximumInterval,
    Integer maximumAttempts,
    List<String> nonRetryableErrorTypes) {

  /** This policy with each missing field taken from {@code defaults}. */
  public RetrySpec orElse(RetrySpec defaults) {
    if (defaults == null) {
      return this;
    }
    return new RetrySpec(
        initialInterval != null ? initialInterval : defaults.initialInterval,
        backoffCoefficient != null ? backoffCoefficient : defaults.backoffCoefficient,
        maximumInterval != null ? maximumInterval : defaults.maximumInterval,
        maximumAttempts != null ? maximumAttempts : defaults.maximumAttempts,
        nonRetryableErrorTypes != null ? nonRetryableErrorTypes : defaults.nonRetryableErrorTypes);
  }
}
