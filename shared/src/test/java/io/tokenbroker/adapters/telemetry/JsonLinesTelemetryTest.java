package io.tokenbroker.adapters.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesTelemetryTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final JsonLinesTelemetry telemetry =
      new JsonLinesTelemetry(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          MutableClock.at("2026-11-28T12:00:00Z"),
          "token");

  private Map<String, Object> onlyLine() throws Exception {
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1);
    return JSONObjectUtils.parse(lines[0]);
  }

  @Test
  void writesOneJsonObjectPerEvent() throws Exception {
    telemetry.emit(TelemetryEvent.info("token.issued").with("client_id", "ci"));

    assertThat(onlyLine())
        .containsEntry("event", "token.issued")
        .containsEntry("level", "INFO")
        .containsEntry("function", "token")
        .containsEntry("client_id", "ci")
        .containsEntry("timestamp", "2026-11-28T12:00:00Z")
        .doesNotContainKey("_aws");
  }

  @Test
  @SuppressWarnings("unchecked")
  void embedsMetricsInCloudWatchEmbeddedMetricFormat() throws Exception {
    telemetry.emit(
        TelemetryEvent.info("token.denied")
            .with("reason", "scope_not_allowed")
            .count("TokensDenied", "reason", "absent_field"));

    Map<String, Object> line = onlyLine();
    assertThat(line).containsEntry("TokensDenied", 1.0);
    Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
    assertThat(aws).containsEntry("Timestamp", 1795867200000L);
    Map<String, Object> directive =
        ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).getFirst();
    assertThat(directive)
        .containsEntry("Namespace", "TokenBroker")
        .containsEntry("Dimensions", List.of(List.of("function", "reason")))
        .containsEntry("Metrics", List.of(Map.of("Name", "TokensDenied", "Unit", "Count")));
  }

  /**
   * Lambda drops a JSON line whose "level" is below the function's ApplicationLogLevel, whatever it
   * carries: a line with a metric is written at METRIC_LINE_LEVEL at least, so a stack whose
   * LogLevel is at or below it (TemplateIT) never loses a data point.
   */
  @Test
  void writesALineThatCarriesAMetricAtTheMetricLineLevelAtLeast() throws Exception {
    telemetry.emit(TelemetryEvent.debug("request.completed").count("Completed"));

    assertThat(onlyLine())
        .containsEntry("level", JsonLinesTelemetry.METRIC_LINE_LEVEL.name())
        .containsEntry("Completed", 1.0);
    assertThat(JsonLinesTelemetry.METRIC_LINE_LEVEL).isEqualTo(TelemetryEvent.Level.INFO);
  }

  @Test
  void writesAMetricFreeDebugLineAtDebug() throws Exception {
    telemetry.emit(TelemetryEvent.debug("request.completed"));

    assertThat(onlyLine()).containsEntry("level", "DEBUG");
  }

  /**
   * The timestamp is what {@code Instant.toString} writes at every millisecond, whether the line's
   * second is the one before (kept) or another: a second's text is formatted once and kept.
   */
  @Test
  void timestampIsTheInstantAsIsoInstantWritesIt() throws Exception {
    MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
    JsonLinesTelemetry lines = new JsonLinesTelemetry(new PrintStream(out), clock, "authorizer");
    java.util.Random random = new java.util.Random(13);
    List<Long> millis = new java.util.ArrayList<>();
    for (long m : new long[] {0, 1, 9, 10, 99, 100, 999, 1000, 1001, -1, -999, -1000, -1001}) {
      millis.add(1_795_867_200_000L + m);
      millis.add(m);
    }
    millis.add(java.time.Instant.parse("+10000-01-01T00:00:00.5Z").toEpochMilli());
    millis.add(java.time.Instant.parse("-0001-12-31T23:59:59.999Z").toEpochMilli());
    for (int i = 0; i < 2000; i++) {
      millis.add(1_795_867_200_000L + random.nextInt(5_000) - 2_500);
    }
    for (long m : millis) {
      java.time.Instant instant = java.time.Instant.ofEpochMilli(m);
      clock.set(instant);

      String line = lines.line(TelemetryEvent.info("authorizer.verified").with("jti", "j"));

      assertThat(JSONObjectUtils.parse(line)).containsEntry("timestamp", instant.toString());
    }
  }
}
