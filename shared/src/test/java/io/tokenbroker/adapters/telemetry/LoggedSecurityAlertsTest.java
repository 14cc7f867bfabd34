package io.tokenbroker.adapters.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoggedSecurityAlertsTest {

  private static final Instant SEEN = Instant.parse("2026-11-30T10:15:30Z");

  @Test
  void writesTheAlertAsOneWarnLineWithItsEvidenceAndACountByKind() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesTelemetry telemetry =
        new JsonLinesTelemetry(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(SEEN.plusSeconds(2), ZoneOffset.UTC),
            "authorizer");
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("jti", "j-1");
    evidence.put("source_ip", "198.51.100.7");
    // A field named like the line's own must not shadow it.
    evidence.put("level", "INFO");

    new LoggedSecurityAlerts(telemetry)
        .raise(new SecurityAlert(AlertKind.HONEYTOKEN_USED, Optional.of("decoy"), SEEN, evidence));

    Map<String, Object> line = JSONObjectUtils.parse(out.toString(StandardCharsets.UTF_8).strip());
    assertThat(line)
        .containsEntry("level", "WARN")
        .containsEntry("event", "security.alert")
        .containsEntry("alert", "honeytoken_used")
        .containsEntry("client_id", "decoy")
        .containsEntry("occurred_at", SEEN.toString())
        .containsEntry("evidence_jti", "j-1")
        .containsEntry("evidence_source_ip", "198.51.100.7")
        .containsEntry("evidence_level", "INFO");
    @SuppressWarnings("unchecked")
    List<Object> directives =
        (List<Object>) ((Map<String, Object>) line.get("_aws")).get("CloudWatchMetrics");
    assertThat(directives.toString()).contains("SecurityAlerts").contains("alert");
  }

  @Test
  void leavesOutTheClientWhenNoneIsKnown() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LoggedSecurityAlerts(
            new JsonLinesTelemetry(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.fixed(SEEN, ZoneOffset.UTC),
                "revocation"))
        .raise(new SecurityAlert(AlertKind.LEAK_REPORTED, Optional.empty(), SEEN, Map.of()));

    assertThat(JSONObjectUtils.parse(out.toString(StandardCharsets.UTF_8).strip()))
        .containsEntry("alert", "leak_reported")
        .doesNotContainKey("client_id");
  }

  @Test
  void writesNothingForAnAlertForwardedFromAnotherFunctionsLog() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LoggedSecurityAlerts(
            new JsonLinesTelemetry(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.fixed(SEEN, ZoneOffset.UTC),
                "anomaly-detector"))
        .forward(new SecurityAlert(AlertKind.HONEYTOKEN_USED, Optional.empty(), SEEN, Map.of()));

    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
