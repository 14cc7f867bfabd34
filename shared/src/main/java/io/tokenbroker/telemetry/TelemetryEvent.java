package io.tokenbroker.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One structured log line: a level, an event name ({@code token.issued}), fields, and optionally
 * metrics whose dimensions are taken from the fields.
 */
public record TelemetryEvent(
    Level level, String name, Map<String, Object> fields, List<Metric> metrics) {

  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** A count (or other value) published as a metric; dimensions name fields of the event. */
  public record Metric(String name, String unit, double value, List<String> dimensions) {}

  public TelemetryEvent {
    fields = new LinkedHashMap<>(fields);
    metrics = List.copyOf(metrics);
  }

  public static TelemetryEvent info(String name) {
    return new TelemetryEvent(Level.INFO, name, Map.of(), List.of());
  }

  public static TelemetryEvent warn(String name) {
    return new TelemetryEvent(Level.WARN, name, Map.of(), List.of());
  }

  public static TelemetryEvent error(String name) {
    return new TelemetryEvent(Level.ERROR, name, Map.of(), List.of());
  }

  /** This event with one more field; null values are left out. */
  public TelemetryEvent with(String field, Object value) {
    if (value == null) {
      return this;
    }
    Map<String, Object> more = new LinkedHashMap<>(fields);
    more.put(field, value);
    return new TelemetryEvent(level, name, more, metrics);
  }

  /** This event counting once towards {@code metric}, split by the given fields. */
  public TelemetryEvent count(String metric, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Count", 1, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }

  /** This event recording a duration in milliseconds towards {@code metric}. */
  public TelemetryEvent millis(String metric, double value, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Milliseconds", value, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }
}
