package dev.ballast.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a job reports how it ended. Each webhook receives a JSON POST (a Slack-compatible {@code
 * text} field plus structured fields, see {@link AlertRequest}) when the job fails or exceeds its
 * tolerated rejects, and when it completes if {@code onSuccess} is true. Sending never fails or
 * holds up the job.
 *
 * @param webhooks URLs that receive the POST
 * @param onSuccess whether a completed job is reported too (default false)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alerts(List<String> webhooks, Boolean onSuccess) {

  /** Whether there is anywhere to send to. */
  public boolean any() {
    return webhooks != null && !webhooks.isEmpty();
  }

  /** Whether a completed job is reported. */
  public boolean reportsSuccess() {
    return Boolean.TRUE.equals(onSuccess);
  }
}
