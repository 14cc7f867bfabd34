package io.tokenbroker.functions.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.detection.AnomalyDetector;
import io.tokenbroker.detection.AnomalyResponder;
import io.tokenbroker.detection.ContainmentSettings;
import io.tokenbroker.detection.Detection;
import io.tokenbroker.detection.DetectionRules;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.InMemoryBaselines;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryContainmentLedger;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A stream batch with a failing record answers a partial batch response naming that record, and the
 * redelivery from there counts nothing twice.
 */
class AnomalyDetectorHandlerTest {

  private final MutableClock clock = MutableClock.at("2026-11-30T14:00:30Z");
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryContainmentLedger ledger = new InMemoryContainmentLedger();
  private final RecordingSecurityAlerts alerts = new RecordingSecurityAlerts();
  private final InMemoryBaselines baselines = new InMemoryBaselines();
  private final AnomalyDetectorHandler handler =
      new AnomalyDetectorHandler(
          new Detection(
              new AnomalyDetector(
                  DetectionRules.parse(
                      """
                      {"window_seconds": 300, "learning_issuances": 0, "max_known_values": 4,
                       "rules": {"rate_spike": {"contain": true, "factor": 5, "minimum": 2,
                         "smoothing": 0.1}}}
                      """),
                  baselines,
                  jti -> Optional.empty()),
              new AnomalyResponder(
                  clients,
                  revocations,
                  ledger,
                  alerts,
                  new InMemoryOperatorAudit(clock),
                  new ContainmentSettings(
                      Duration.ofHours(1), 3, Duration.ofHours(1), Duration.ofDays(1)),
                  clock),
              alerts),
          event -> {});

  @SuppressWarnings("unchecked")
  private static Map<String, Object> batch(int... sequences) throws Exception {
    Map<String, Object> sample = EventFiles.load("anomaly-detector/issuances-stream.json");
    List<Object> records = new ArrayList<>();
    for (int i : sequences) {
      Map<String, Object> record =
          JSONObjectUtils.parse(
              JSONObjectUtils.toJSONString(
                  (Map<String, Object>) ((List<?>) sample.get("Records")).getFirst()));
      Map<String, Object> dynamodb = JSONObjectUtils.getJSONObject(record, "dynamodb");
      dynamodb.put("SequenceNumber", Integer.toString(100 + i));
      Map<String, Object> image = JSONObjectUtils.getJSONObject(dynamodb, "NewImage");
      image.put("jti", Map.of("S", "j-" + i));
      image.put("client_id", Map.of("S", "c"));
      image.put("iat", Map.of("N", Long.toString(1796047200L + i)));
      records.add(record);
    }
    return Map.of("Records", records);
  }

  @Test
  void aFailedRecordIsNamedAndItsRedeliveryCountsNothingTwice() throws Exception {
    Map<String, Object> json = Clients.json("c");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/c"));
    json.put("anomaly_response", "contain");
    clients.add(Clients.parse(json));

    alerts.failing(true); // the second issuance fires rate_spike; its alert cannot be delivered
    Map<String, Object> first =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), batch(1, 2, 3));

    assertThat(first.get("batchItemFailures")).isEqualTo(List.of(Map.of("itemIdentifier", "102")));
    assertThat(baselines.find("c").orElseThrow().windowCount()).isEqualTo(1);

    alerts.failing(false);
    Map<String, Object> retried =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), batch(2, 3));

    assertThat(retried.get("batchItemFailures")).isEqualTo(List.of());
    assertThat(baselines.find("c").orElseThrow().windowCount()).isEqualTo(3);
    assertThat(ledger.list()).hasSize(1);
    assertThat(revocations.clientWatermark("c")).isPresent();
  }

  /**
   * Token reuse records each delivery on the token's issuance record (UpdateItem), which the stream
   * carries as a MODIFY with the whole new image: not a new issuance. Counted, two of them would
   * fire rate_spike here (minimum 2) and contain the client.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aReusedTokensDeliveriesAreNoIssuances() throws Exception {
    Map<String, Object> json = Clients.json("c");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/c"));
    json.put("anomaly_response", "contain");
    clients.add(Clients.parse(json));
    Map<String, Object> inserted = batch(1);
    List<Object> records = new ArrayList<>((List<Object>) inserted.get("Records"));
    for (int delivery = 2; delivery <= 3; delivery++) {
      Map<String, Object> modify =
          JSONObjectUtils.parse(JSONObjectUtils.toJSONString((Map<String, Object>) records.get(0)));
      modify.put("eventName", "MODIFY");
      Map<String, Object> dynamodb = JSONObjectUtils.getJSONObject(modify, "dynamodb");
      dynamodb.put("SequenceNumber", Integer.toString(200 + delivery));
      Map<String, Object> image = JSONObjectUtils.getJSONObject(dynamodb, "NewImage");
      dynamodb.put("OldImage", new java.util.HashMap<>(image));
      image.put("deliveries", Map.of("N", Integer.toString(delivery)));
      image.put("last_delivered_at", Map.of("N", Long.toString(1796047210L + delivery)));
      records.add(modify);
    }

    Map<String, Object> answer =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null), Map.of("Records", records));

    assertThat(answer.get("batchItemFailures")).isEqualTo(List.of());
    assertThat(baselines.find("c").orElseThrow().windowCount()).isEqualTo(1);
    assertThat(alerts.alerts()).isEmpty();
    assertThat(ledger.list()).isEmpty();
  }
}
