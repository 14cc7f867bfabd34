package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.detection.DetectionRules.Rule;
import io.tokenbroker.testing.InMemoryBaselines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One token in use from another network is one finding per window, not one per decision. */
class NetworkMismatchTest {

  private static final Instant T = Instant.parse("2026-11-30T14:00:00Z");

  private final Map<String, String> issuedTo = Map.of("j1", "10.1.2.3", "j2", "10.1.2.4");
  private final AnomalyDetector detector =
      new AnomalyDetector(
          DetectionRules.defaults(),
          new InMemoryBaselines(),
          jti -> Optional.ofNullable(issuedTo.get(jti)));

  private List<Finding> use(String jti, String ip, long second) {
    return detector.observe(new DetectionEvent.Used("c", jti, T.plusSeconds(second), ip));
  }

  @Test
  void oneFindingPerTokenAndNetworkInAWindow() {
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      findings.addAll(use("j1", "203.0.113." + (i + 1), i)); // one /24, 20 decisions
    }
    assertThat(findings).hasSize(1);
    assertThat(use("j1", "198.51.100.7", 30)).hasSize(1); // another network
    assertThat(use("j2", "203.0.113.9", 31)).hasSize(1); // another token
    assertThat(use("j1", "10.1.2.99", 32)).isEmpty(); // its own network
    assertThat(use("j1", "203.0.113.1", 301)).hasSize(1); // the next window reminds once
  }

  @Test
  void shipsAlertOnly() {
    assertThat(DetectionRules.defaults().enabled(Rule.NETWORK_MISMATCH)).isTrue();
    assertThat(DetectionRules.defaults().contains(Rule.NETWORK_MISMATCH)).isFalse();
  }
}
