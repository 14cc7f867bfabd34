package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.detection.DetectionRules.Rule;
import io.tokenbroker.testing.InMemoryBaselines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped rules on recorded sequences (sequences/*.csv.gz, timestamps included): quiet on two
 * days of a busy client's ordinary day curve, and each rule fires on its anomaly within the time
 * stated here (from the anomaly's first event to the finding, in event time).
 */
class AnomalyDetectorSequencesTest {

  private record Seen(Finding finding, Instant anomalyStarted) {}

  private static List<Seen> run(String sequence) {
    Map<String, String> issuedTo = new ConcurrentHashMap<>();
    AnomalyDetector detector =
        new AnomalyDetector(
            DetectionRules.defaults(),
            new InMemoryBaselines(),
            jti -> Optional.ofNullable(issuedTo.get(jti)));
    List<Seen> seen = new ArrayList<>();
    Instant anomaly = null;
    for (RecordedSequence.Line line : RecordedSequence.load(sequence).lines()) {
      if (line.event() instanceof DetectionEvent.Issued issued) {
        issuedTo.put(issued.jti(), issued.sourceIp());
      }
      if (!line.mark().isEmpty() && anomaly == null) {
        anomaly = line.event().at();
      }
      for (Finding finding : detector.observe(line.event())) {
        seen.add(new Seen(finding, anomaly));
      }
    }
    return seen;
  }

  @Test
  void staysQuietOnTwoDaysOfAClientsNormalDiurnalLoad() {
    assertThat(RecordedSequence.load("normal-diurnal.csv.gz").lines()).hasSizeGreaterThan(15_000);

    assertThat(run("normal-diurnal.csv.gz")).isEmpty();
  }

  @Test
  void staysQuietOnAnHourlyCronFleetsBurstsOnceItHasLearntThem() {
    assertThat(RecordedSequence.load("hourly-cron.csv.gz").lines()).hasSize(48 * 40);

    assertThat(run("hourly-cron.csv.gz")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "rate-spike.csv.gz, RATE_SPIKE, 60",
    "new-network.csv.gz, NEW_NETWORK, 0",
    "scope-escalation.csv.gz, SCOPE_ESCALATION, 60",
    "refresh-reuse.csv.gz, REFRESH_REUSE, 0",
    "network-mismatch.csv.gz, NETWORK_MISMATCH, 0"
  })
  void firesOnItsRecordedSequenceWithinTheStatedTimeAndNotBefore(
      String sequence, Rule rule, long withinSeconds) {
    List<Seen> seen = run(sequence);

    assertThat(seen).extracting(s -> s.finding().rule()).containsExactly(rule);
    Seen only = seen.getFirst();
    assertThat(only.anomalyStarted()).as("no finding before the anomaly").isNotNull();
    assertThat(Duration.between(only.anomalyStarted(), only.finding().at()))
        .isBetween(Duration.ZERO, Duration.ofSeconds(withinSeconds));
    assertThat(only.finding().clientId()).isEqualTo("orders-iam");
    assertThat(only.finding().evidence()).containsEntry("rule", rule.ruleName());
  }
}
