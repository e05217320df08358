package dev.ballast.api.model;

import java.util.List;

/**
 * A failover drill ({@code ballast drill}, or a schedule's {@code --drill}).
 *
 * @param maxFailoverMillis the objective: the longest acceptable time from the stop of the worker
 *     running the drill chunk to another worker resuming it
 * @param timeoutMillis how long the drill chunk may take in all, failover included
 * @param webhooks where a failed drill is reported ({@link AlertRequest#DRILL_FAILED}); may be empty
 */
public record DrillRequest(long maxFailoverMillis, long timeoutMillis, List<String> webhooks) {
  /** Default objective: 30 s. */
  public static final long DEFAULT_MAX_FAILOVER_MILLIS = 30_000;
  /** Default timeout: 5 min. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 300_000;

  public DrillRequest {
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
  }
}
