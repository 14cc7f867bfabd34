package io.tokenbroker.testing;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.errors.ServiceFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every alert raised; can be told to fail, like a topic that is unreachable. */
public final class RecordingSecurityAlerts implements SecurityAlerts {

  private final List<SecurityAlert> alerts = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
  }

  @Override
  public void raise(SecurityAlert alert) {
    if (failing) {
      throw new ServiceFailure("sns", "Publish: unreachable (test)", true, null);
    }
    alerts.add(alert);
  }

  public List<SecurityAlert> alerts() {
    return List.copyOf(alerts);
  }

  public List<SecurityAlert> of(AlertKind kind) {
    return alerts.stream().filter(a -> a.kind() == kind).toList();
  }
}
