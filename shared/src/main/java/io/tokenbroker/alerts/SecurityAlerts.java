package io.tokenbroker.alerts;

import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: where security alerts go (in AWS: an SNS topic and an EventBridge event, each with the
 * evidence; locally: the log). Delivery is at least once: a caller that retries after a failure may
 * raise the same alert twice, so subscribers de-duplicate by kind, client and time.
 *
 * @throws ServiceFailure (retryable) when the alert could not be delivered; the caller decides
 *     whether that fails its own work (the detector retries its batch) or is only logged (a leak
 *     report's revocation stands without its alert)
 */
public interface SecurityAlerts {

  void raise(SecurityAlert alert);

  /**
   * Delivers an alert another function already raised into its own log (a forwarded {@code
   * security.alert} line): as {@link #raise}, but a sink that logs does not log it again, so the
   * alert is counted once.
   *
   * @throws ServiceFailure as {@link #raise}
   */
  default void forward(SecurityAlert alert) {
    raise(alert);
  }
}
