package io.tokenbroker.adapters.telemetry;

import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.util.Map;

/**
 * Alerts as log lines and a {@code SecurityAlerts} metric by kind: what the local server uses, and
 * what every other sink does as well, so an alert is in the logs even when its delivery failed.
 * Evidence fields are prefixed {@code evidence_} so none can shadow a line's own fields.
 */
public final class LoggedSecurityAlerts implements SecurityAlerts {

  private final Telemetry telemetry;

  public LoggedSecurityAlerts(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** The alert is in its own function's log already, counted there: nothing to add. */
  @Override
  public void forward(SecurityAlert alert) {}

  @Override
  public void raise(SecurityAlert alert) {
    TelemetryEvent line =
        TelemetryEvent.warn("security.alert")
            .with("alert", alert.kind().eventName())
            .with("client_id", alert.clientId().orElse(null))
            .with("occurred_at", alert.occurredAt().toString());
    for (Map.Entry<String, String> item : alert.evidence().entrySet()) {
      line = line.with("evidence_" + item.getKey(), item.getValue());
    }
    telemetry.emit(line.count("SecurityAlerts", "alert"));
  }
}
