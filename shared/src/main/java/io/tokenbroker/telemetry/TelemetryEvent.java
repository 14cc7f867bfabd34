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

  /**
   * The field map of an event, made by this record and never changed once the event holds it: an
   * event made from another's map ({@link #with}'s fresh copy, {@link #count}'s unchanged map)
   * takes it as is rather than copying it again.
   */
  private static final class Fields extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    Fields(Map<String, Object> fields) {
      super(fields);
    }
  }

  public TelemetryEvent {
    fields = fields instanceof Fields ours ? ours : new Fields(fields);
    metrics = List.copyOf(metrics);
  }

  /** A line for diagnosis, written only when the function's log level is DEBUG. */
  public static TelemetryEvent debug(String name) {
    return new TelemetryEvent(Level.DEBUG, name, Map.of(), List.of());
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
    Fields more = new Fields(fields);
    more.put(field, value);
    return new TelemetryEvent(level, name, more, metrics);
  }

  /** This event counting once towards {@code metric}, split by the given fields. */
  public TelemetryEvent count(String metric, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Count", 1, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }

  /** This event recording a value in {@code unit} (a CloudWatch unit) towards {@code metric}. */
  public TelemetryEvent measure(String metric, String unit, double value, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, unit, value, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }

  /** This event recording a duration in milliseconds towards {@code metric}. */
  public TelemetryEvent millis(String metric, double value, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Milliseconds", value, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }
}
