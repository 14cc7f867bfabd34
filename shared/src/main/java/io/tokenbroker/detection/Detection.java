package io.tokenbroker.detection;

import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import java.util.ArrayList;
import java.util.List;

/**
 * The detector's one entry: each event through the rules, each finding to the response policy; and
 * the alerts other functions only logged, forwarded to where alerts are delivered.
 */
public final class Detection {

  private final AnomalyDetector detector;
  private final AnomalyResponder responder;
  private final SecurityAlerts alerts;

  public Detection(AnomalyDetector detector, AnomalyResponder responder, SecurityAlerts alerts) {
    this.detector = detector;
    this.responder = responder;
    this.alerts = alerts;
  }

  /**
   * Observes the event and answers its findings.
   *
   * @throws io.tokenbroker.errors.ServiceFailure when a store or the alert delivery fails; the
   *     caller retries the event: the baseline is saved only after the response, and the
   *     responder's steps are idempotent for one finding
   */
  public List<AnomalyResponder.Outcome> observe(DetectionEvent event) {
    List<AnomalyResponder.Outcome> outcomes = new ArrayList<>();
    // Responds before the baseline is saved: a failed response is retried with the same findings.
    detector.observe(
        event,
        findings -> {
          for (Finding finding : findings) {
            outcomes.add(responder.respond(finding));
          }
        });
    return outcomes;
  }

  /** Delivers an alert another function raised in its log. */
  public void forward(SecurityAlert alert) {
    alerts.forward(alert);
  }
}
