package dev.ballast.api.activity;

import dev.ballast.api.model.AlertRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Sends job alerts. Runs on the jobs task queue. */
@ActivityInterface
public interface AlertActivities {
  /**
   * POSTs the alert as JSON to its webhook; a non-2xx answer or a connection error fails the
   * attempt (retryable).
   */
  @ActivityMethod(name = "SendAlert")
  void sendAlert(AlertRequest request);
}
