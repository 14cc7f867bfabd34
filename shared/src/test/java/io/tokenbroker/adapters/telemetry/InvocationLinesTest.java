package io.tokenbroker.adapters.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.TelemetryConfig;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.telemetry.TelemetryEvent.Level;
import io.tokenbroker.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The invocation's ids, the stack and the level on every JSON line. */
class InvocationLinesTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final InvocationScope scope = new InvocationScope();

  private JsonLinesTelemetry telemetry(Level level) {
    return new JsonLinesTelemetry(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        MutableClock.at("2026-11-30T12:00:00Z"),
        "token",
        new TelemetryConfig(Optional.of("prod-a"), level));
  }

  @AfterEach
  void clear() {
    scope.end();
    System.clearProperty(InvocationScope.TRACE_PROPERTY);
  }

  private List<Map<String, Object>> lines() {
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .map(
            l -> {
              try {
                return JSONObjectUtils.parse(l);
              } catch (java.text.ParseException e) {
                throw new AssertionError(l, e);
              }
            })
        .toList();
  }

  @Test
  void carriesTheInvocationsIdsWithPowertoolsNamesAndAColdStartOnlyFirst() throws Exception {
    JsonLinesTelemetry telemetry = telemetry(Level.INFO);
    System.setProperty(
        InvocationScope.TRACE_PROPERTY,
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

    scope.begin("req-1");
    scope.correlate("api-1");
    telemetry.emit(
        TelemetryEvent.info("token.issued").with("client_id", "c").count("TokensIssued"));
    scope.end();
    scope.begin("req-2");
    telemetry.emit(TelemetryEvent.info("request.rejected"));
    scope.end();
    telemetry.emit(TelemetryEvent.info("outside.any.invocation"));

    List<Map<String, Object>> lines = lines();
    assertThat(lines.get(0))
        .containsEntry("stack", "prod-a")
        .containsEntry("function_request_id", "req-1")
        .containsEntry("correlation_id", "api-1")
        .containsEntry("xray_trace_id", "1-5759e988-bd862e3fe1be46a994272793")
        .containsEntry("cold_start", true)
        .containsEntry("client_id", "c");
    assertThat(lines.get(1))
        .containsEntry("function_request_id", "req-2")
        .containsEntry("cold_start", false)
        .doesNotContainKey("correlation_id");
    assertThat(lines.get(2))
        .containsEntry("stack", "prod-a")
        .doesNotContainKeys("function_request_id", "cold_start", "xray_trace_id");
  }

  /**
   * SnapStart priming invokes the handler without a context: that is no cold start of a request.
   */
  @Test
  void anInvocationWithoutARequestIdDoesNotUseUpTheColdStart() throws Exception {
    JsonLinesTelemetry telemetry = telemetry(Level.INFO);
    scope.begin(null);
    telemetry.emit(TelemetryEvent.info("priming"));
    scope.end();
    scope.begin("req-1");
    telemetry.emit(TelemetryEvent.info("first.request"));

    assertThat(lines().get(0)).containsEntry("cold_start", false);
    assertThat(lines().get(1)).containsEntry("cold_start", true);
  }

  /** A handler invoked inside a priming step leaves the step's scope as it was when it returns. */
  @Test
  void restoresTheEnclosingScopeWhenANestedOneEnds() {
    InvocationScope priming = new InvocationScope();
    priming.begin(null);
    scope.begin(null);
    scope.correlate("inner");
    assertThat(InvocationScope.current().correlationId()).isEqualTo("inner");
    scope.end();
    assertThat(InvocationScope.current()).isNotNull();
    assertThat(InvocationScope.current().correlationId()).isNull();
    priming.end();
    assertThat(InvocationScope.current()).isNull();
    priming.end(); // one too many: nothing to close
    assertThat(InvocationScope.current()).isNull();
  }

  @Test
  void splitsEveryMetricByTheStack() throws Exception {
    telemetry(Level.INFO)
        .emit(
            TelemetryEvent.info("request.rejected")
                .with("reason", "invalid_scope")
                .count("RequestsRejected", "reason")
                .millis("Latency", 3.0));

    Map<String, Object> aws = JSONObjectUtils.getJSONObject(lines().get(0), "_aws");
    Map<String, Object>[] directives = JSONObjectUtils.getJSONObjectArray(aws, "CloudWatchMetrics");
    assertThat(directives[0].get("Dimensions"))
        .isEqualTo(List.of(List.of("function", "stack", "reason")));
    assertThat(directives[1].get("Dimensions")).isEqualTo(List.of(List.of("function", "stack")));
  }

  /** Lines below the level are not written, unless they carry a metric (a data point is kept). */
  @Test
  void writesOnlyLinesAtOrAboveItsLevelButNeverDropsAMetric() {
    JsonLinesTelemetry telemetry = telemetry(Level.INFO);
    telemetry.emit(TelemetryEvent.debug("request.completed"));
    telemetry.emit(TelemetryEvent.debug("debug.with.metric").count("Something"));
    telemetry.emit(TelemetryEvent.info("info.line"));
    assertThat(lines())
        .extracting(l -> l.get("event"))
        .containsExactly("debug.with.metric", "info.line");

    out.reset();
    telemetry(Level.DEBUG).emit(TelemetryEvent.debug("request.completed"));
    assertThat(lines()).extracting(l -> l.get("event")).containsExactly("request.completed");
  }

  @ParameterizedTest
  @CsvSource({
    "TRACE,DEBUG",
    "DEBUG,DEBUG",
    "INFO,INFO",
    "WARN,WARN",
    "ERROR,ERROR",
    "FATAL,ERROR",
    "debug,DEBUG"
  })
  void readsTheLevelLambdaSetsFromApplicationLogLevel(String variable, Level level) {
    assertThat(TelemetryConfig.from(Env.of(Map.of("AWS_LAMBDA_LOG_LEVEL", variable))).level())
        .isEqualTo(level);
  }

  @Test
  void defaultsToInfoAndRefusesAnUnknownLevel() {
    assertThat(TelemetryConfig.from(Env.of(Map.of())).level()).isEqualTo(Level.INFO);
    assertThat(TelemetryConfig.from(Env.of(Map.of())).stack()).isEmpty();
    assertThat(TelemetryConfig.from(Env.of(Map.of("BROKER_NAME", "prod-a"))).stack())
        .contains("prod-a");
    assertThatThrownBy(
            () -> TelemetryConfig.from(Env.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "VERBOSE"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AWS_LAMBDA_LOG_LEVEL");
  }

  @Test
  void readsTheRootOfTheTraceHeader() {
    assertThat(InvocationScope.rootOf("Root=1-abc-def;Parent=1;Sampled=0")).isEqualTo("1-abc-def");
    assertThat(InvocationScope.rootOf("Parent=1;Root=1-x")).isEqualTo("1-x");
    assertThat(InvocationScope.rootOf("Sampled=1")).isNull();
    assertThat(InvocationScope.rootOf(null)).isNull();
  }
}
