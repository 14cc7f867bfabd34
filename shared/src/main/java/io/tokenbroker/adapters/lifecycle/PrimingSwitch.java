package io.tokenbroker.adapters.lifecycle;

import io.tokenbroker.telemetry.Telemetry;

/**
 * On while SnapStart priming runs. Telemetry wrapped by {@link #quiet} drops events meanwhile, so
 * that the synthetic requests add no request logs or metrics (a refusal counted at every snapshot
 * would read like a client's). Lambda serves no request during priming.
 */
public final class PrimingSwitch {

  private volatile boolean on;

  public Telemetry quiet(Telemetry telemetry) {
    return event -> {
      if (!on) {
        telemetry.emit(event);
      }
    };
  }

  public boolean isOn() {
    return on;
  }

  void on() {
    on = true;
  }

  void off() {
    on = false;
  }
}
