package io.tokenbroker.testing;

import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event for assertions. */
public final class RecordingTelemetry implements Telemetry {

  private final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void emit(TelemetryEvent event) {
    events.add(event);
  }

  public List<TelemetryEvent> events() {
    return List.copyOf(events);
  }

  public List<TelemetryEvent> named(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  /** Every event rendered as text, to check that nothing secret was logged. */
  public String everything() {
    return events.toString();
  }
}
