package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextLinesTelemetryTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final TextLinesTelemetry telemetry =
      new TextLinesTelemetry(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          Clock.fixed(Instant.parse("2026-11-28T09:12:03.120Z"), ZoneId.of("Europe/Berlin")),
          "token");

  private String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesTimeLevelFunctionEventAndTheFieldsInOrder() {
    telemetry.emit(
        TelemetryEvent.info("token.issued")
            .with("client_id", "local-workload")
            .with("scope", "demo:read demo:write")
            .with("expires_in", 300)
            .with("refresh", true)
            .count("TokensIssued", "grant_type"));

    assertThat(written())
        .isEqualTo(
            "10:12:03.120 INFO  token         token.issued client_id=local-workload"
                + " scope=\"demo:read demo:write\" expires_in=300 refresh=true\n");
  }

  @Test
  void keepsEachEventOnOneLineWhateverItsValuesHold() {
    telemetry.emit(
        TelemetryEvent.warn("request.rejected")
            .with("reason", "bad\nline \"quoted\" back\\slash\u2028end")
            .with("empty", ""));

    assertThat(written().lines())
        .containsExactly(
            "10:12:03.120 WARN  token         request.rejected"
                + " reason=\"bad\\nline \\\"quoted\\\" back\\\\slash\\u2028end\" empty=\"\"");
  }

  @Test
  void writesListsJoinedMapsAsJsonAndMetricsOtherThanTheEventsOwnCount() {
    telemetry.emit(
        TelemetryEvent.info("keys.checked")
            .with("aud", List.of("http://127.0.0.1:8080/demo"))
            .with("kids", List.of("a", "b c"))
            .with("states", Map.of("ACTIVE", 1))
            .millis("KeyCheckMillis", 12.5)
            .count("KeyChecks"));

    assertThat(written())
        .isEqualTo(
            "10:12:03.120 INFO  token         keys.checked aud=http://127.0.0.1:8080/demo"
                + " kids=\"a,\\\"b c\\\"\" states=\"{\\\"ACTIVE\\\":1}\" KeyCheckMillis=12.5\n");
  }

  /**
   * C1 controls, bidi overrides and isolates (which would reorder what a terminal shows) and
   * zero-width characters are escaped like C0 controls.
   */
  @Test
  void escapesEveryControlAndFormatCharacter() {
    telemetry.emit(
        TelemetryEvent.warn("request.rejected")
            .with("client_id", "evil\u009b31m\u202egnp.exe\u2066x\u2069\u200bend"));

    assertThat(written())
        .isEqualTo(
            "10:12:03.120 WARN  token         request.rejected"
                + " client_id=\"evil\\u009b31m\\u202egnp.exe\\u2066x\\u2069\\u200bend\"\n");
  }

  @Test
  void quotesAListElementThatHoldsTheJoiningComma() {
    telemetry.emit(TelemetryEvent.info("one").with("scopes", List.of("a,b")));
    telemetry.emit(TelemetryEvent.info("two").with("scopes", List.of("a", "b")));

    assertThat(written().lines())
        .containsExactly(
            "10:12:03.120 INFO  token         one scopes=\"\\\"a,b\\\"\"",
            "10:12:03.120 INFO  token         two scopes=a,b");
  }

  /**
   * The invocation's ids follow the event's fields, readable, no CloudWatch block: the request ids,
   * and a cold start only when it is one. Below the level nothing is written.
   */
  @Test
  void endsTheLineWithTheInvocationsIdsAndLeavesOutLinesBelowItsLevel() {
    InvocationScope scope = new InvocationScope();
    scope.begin("lambda-req-1");
    scope.correlate("api-req-1");
    try {
      telemetry.emit(
          TelemetryEvent.info("token.issued").with("client_id", "c").count("TokensIssued"));
    } finally {
      scope.end();
    }
    scope.begin("lambda-req-2");
    try {
      telemetry.emit(TelemetryEvent.info("request.rejected").with("reason", "invalid_scope"));
    } finally {
      scope.end();
    }
    new TextLinesTelemetry(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            "token",
            TelemetryEvent.Level.INFO)
        .emit(TelemetryEvent.debug("request.completed"));
    new TextLinesTelemetry(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            "token",
            TelemetryEvent.Level.INFO)
        .emit(TelemetryEvent.info("aws.call").millis("AwsCallLatency", 3));

    assertThat(written().lines())
        .containsExactly(
            "10:12:03.120 INFO  token         token.issued client_id=c correlation_id=api-req-1"
                + " function_request_id=lambda-req-1 cold_start=true",
            "10:12:03.120 INFO  token         request.rejected reason=invalid_scope"
                + " function_request_id=lambda-req-2");
  }
}
