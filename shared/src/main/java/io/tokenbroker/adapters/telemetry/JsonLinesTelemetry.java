package io.tokenbroker.adapters.telemetry;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes each event as one JSON line. Events with metrics carry a CloudWatch Embedded Metric Format
 * ({@code _aws}) block, so in Lambda the same line is a log entry and a metric data point.
 */
public final class JsonLinesTelemetry implements Telemetry {

  /** The CloudWatch metrics namespace of every broker metric. */
  public static final String NAMESPACE = "TokenBroker";

  private final PrintStream out;
  private final Clock clock;
  private final String function;

  /**
   * @param function the function's role name ({@code token}, {@code authorizer}, ...), a field and
   *     metric dimension of every line
   */
  public JsonLinesTelemetry(PrintStream out, Clock clock, String function) {
    this.out = out;
    this.clock = clock;
    this.function = function;
  }

  @Override
  public void emit(TelemetryEvent event) {
    try {
      out.println(JSONObjectUtils.toJSONString(toJson(event)));
    } catch (RuntimeException e) {
      // Telemetry must never fail a request.
    }
  }

  Map<String, Object> toJson(TelemetryEvent event) {
    long now = clock.millis();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", java.time.Instant.ofEpochMilli(now).toString());
    line.put("level", event.level().name());
    line.put("event", event.name());
    line.put("function", function);
    line.putAll(event.fields());
    if (!event.metrics().isEmpty()) {
      List<Object> metricDirectives = new ArrayList<>();
      for (TelemetryEvent.Metric metric : event.metrics()) {
        List<String> dimensions = new ArrayList<>(List.of("function"));
        for (String dimension : metric.dimensions()) {
          if (line.containsKey(dimension)) {
            dimensions.add(dimension);
          }
        }
        line.put(metric.name(), metric.value());
        metricDirectives.add(
            Map.of(
                "Namespace",
                NAMESPACE,
                "Dimensions",
                List.of(dimensions),
                "Metrics",
                List.of(Map.of("Name", metric.name(), "Unit", metric.unit()))));
      }
      line.put("_aws", Map.of("Timestamp", now, "CloudWatchMetrics", metricDirectives));
    }
    return line;
  }
}
