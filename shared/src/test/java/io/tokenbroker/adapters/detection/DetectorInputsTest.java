package io.tokenbroker.adapters.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.detection.DetectorInputs.Input;
import io.tokenbroker.detection.DetectionEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectorInputsTest {

  private static final Instant FALLBACK = Instant.parse("2026-11-30T00:00:00Z");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "scope_not_allowed | invalid_scope | invalid_scope",
        "assertion_bad_signature | invalid_client | invalid_client",
        "assertion_replayed | invalid_client | assertion_replayed",
        "refresh_token_reused | invalid_grant | refresh_token_reused",
      })
  void readsTheRefusalsTheRulesCountUnderTheRulesNames(String reason, String error, String kind) {
    String line =
        "{\"timestamp\":\"2026-11-30T14:00:01Z\",\"event\":\"request.rejected\",\"reason\":\""
            + reason
            + "\",\"error\":\""
            + error
            + "\",\"source_ip\":\"10.1.2.3\",\"client_id\":\"c1\"}";

    assertThat(DetectorInputs.fromLine(line, FALLBACK))
        .contains(
            new Input.Observe(
                new DetectionEvent.Refused(
                    Optional.of("c1"), kind, Instant.parse("2026-11-30T14:00:01Z"), "10.1.2.3")));
  }

  @Test
  void skipsLinesItHasNoUseForAndLinesThatDoNotParse() {
    assertThat(
            DetectorInputs.fromLine(
                "{\"event\":\"request.rejected\",\"reason\":\"body_too_large\",\"error\":\"invalid_request\"}",
                FALLBACK))
        .isEmpty();
    assertThat(DetectorInputs.fromLine("{\"event\":\"token.issued\"}", FALLBACK)).isEmpty();
    assertThat(DetectorInputs.fromLine("START RequestId: 1", FALLBACK)).isEmpty();
    assertThat(DetectorInputs.fromLine("{\"event\":", FALLBACK)).isEmpty();
    assertThat(
            DetectorInputs.fromLine(
                "{\"event\":\"security.alert\",\"alert\":\"no_such_alert\"}", FALLBACK))
        .isEmpty();
  }

  @Test
  void ignoresACloudWatchControlMessageAndTakesTheLogEventsTimeWhenALineHasNone() throws Exception {
    assertThat(
            DetectorInputs.fromSubscription(subscription("{\"messageType\":\"CONTROL_MESSAGE\"}")))
        .isEmpty();

    List<Input> inputs =
        DetectorInputs.fromSubscription(
            subscription(
                "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"timestamp\":1796047201000,"
                    + "\"message\":\"{\\\"event\\\":\\\"authorizer.verified\\\",\\\"client_id\\\":"
                    + "\\\"c1\\\",\\\"jti\\\":\\\"j1\\\",\\\"source_ip\\\":\\\"10.1.2.3\\\"}\"}]}"));

    assertThat(inputs)
        .containsExactly(
            new Input.Observe(
                new DetectionEvent.Used(
                    "c1", "j1", Instant.ofEpochMilli(1796047201000L), "10.1.2.3")));
  }

  @Test
  void skipsAStreamRecordThatIsNoInsertOrLacksWhatAnIssuanceHas() throws Exception {
    Map<String, Object> modify =
        Map.of("eventName", "MODIFY", "dynamodb", Map.of("NewImage", Map.of()));
    Map<String, Object> noIat =
        Map.of(
            "eventName",
            "INSERT",
            "dynamodb",
            Map.of(
                "NewImage",
                Map.of(
                    "jti",
                    Map.of("S", "j"),
                    "client_id",
                    Map.of("S", "c"),
                    "iat",
                    Map.of("N", "1e9"))));

    assertThat(DetectorInputs.fromStream(Map.of("Records", List.of(modify, noIat)))).isEmpty();
  }

  private static Map<String, Object> subscription(String json) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return Map.of(
        "awslogs", Map.of("data", Base64.getEncoder().encodeToString(bytes.toByteArray())));
  }
}
