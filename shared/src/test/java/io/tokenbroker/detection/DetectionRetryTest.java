package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.detection.AnomalyResponder.Outcome;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryBaselines;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryContainmentLedger;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failed response leaves the baseline as it was, so the retried event finds the same. */
class DetectionRetryTest {

  private static final Instant T = Instant.parse("2026-11-30T14:00:00Z");

  private final MutableClock clock = MutableClock.at("2026-11-30T14:00:05Z");
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryContainmentLedger ledger = new InMemoryContainmentLedger();
  private final RecordingSecurityAlerts alerts = new RecordingSecurityAlerts();
  private final InMemoryOperatorAudit audit = new InMemoryOperatorAudit(clock);
  private final InMemoryBaselines baselines = new InMemoryBaselines();
  private final Detection detection =
      new Detection(
          new AnomalyDetector(
              DetectionRules.parse(
                  """
                  {"window_seconds": 300, "learning_issuances": 0, "max_known_values": 4,
                   "rules": {"rate_spike": {"contain": true, "factor": 5, "minimum": 3,
                     "smoothing": 0.1}}}
                  """),
              baselines,
              jti -> Optional.empty()),
          new AnomalyResponder(
              clients,
              revocations,
              ledger,
              alerts,
              audit,
              new ContainmentSettings(
                  Duration.ofHours(1), 3, Duration.ofHours(1), Duration.ofDays(1)),
              clock),
          alerts);

  private static DetectionEvent issued(int i) {
    return new DetectionEvent.Issued(
        "c", "j" + i, T.plusSeconds(i), "10.0.0.1", "ua", "AWS_IAM", List.of(), List.of("api"));
  }

  @Test
  void aFailedResponseLeavesTheBaselineSoTheRetryFindsAndContainsOnce() {
    Map<String, Object> json = Clients.json("c");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/c"));
    json.put("anomaly_response", "contain");
    clients.add(Clients.parse(json));
    detection.observe(issued(1));
    detection.observe(issued(2));

    alerts.failing(true);
    assertThatThrownBy(() -> detection.observe(issued(3))).isInstanceOf(ServiceFailure.class);
    alerts.failing(false);
    assertThat(baselines.find("c").orElseThrow().windowCount()).isEqualTo(2);

    assertThat(detection.observe(issued(3))).containsExactly(Outcome.CONTAINED);
    assertThat(baselines.find("c").orElseThrow().windowCount()).isEqualTo(3);
    assertThat(ledger.list()).hasSize(1);
    assertThat(revocations.clientWatermark("c")).isPresent();
  }
}
