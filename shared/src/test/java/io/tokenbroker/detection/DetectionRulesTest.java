package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.detection.DetectionRules.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectionRulesTest {

  @Test
  void shipsEveryRuleWithTheNewValueRulesOnlyAlerting() {
    DetectionRules rules = DetectionRules.defaults();

    assertThat(rules.rules().keySet()).containsExactlyInAnyOrder(Rule.values());
    assertThat(rules.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(rules.contains(Rule.RATE_SPIKE)).isTrue();
    assertThat(rules.contains(Rule.NEW_USER_AGENT)).isFalse();
    assertThat(rules.newNetworkAuthMethods()).containsExactly("AWS_IAM");
    assertThat(rules.thresholds()).containsEntry(Rule.SCOPE_ESCALATION, 5);
  }

  @Test
  void aRuleLeftOutIsOff() {
    DetectionRules rules =
        DetectionRules.parse(
            """
            {"window_seconds": 60, "learning_issuances": 0, "max_known_values": 4,
             "rules": {"refresh_reuse": {"contain": false, "threshold": 2}}}\
            """);

    assertThat(rules.enabled(Rule.REFRESH_REUSE)).isTrue();
    assertThat(rules.enabled(Rule.RATE_SPIKE)).isFalse();
    assertThat(rules.contains(Rule.REFRESH_REUSE)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"window_seconds\": 5, \"learning_issuances\": 0, \"max_known_values\": 4, \"rules\": {}}"
            + " | window_seconds",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4}| rules",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4, \"rules\":"
            + " {\"rate_spikes\": {\"contain\": true}}} | rules.rate_spikes",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4, \"rules\":"
            + " {\"rate_spike\": {\"contain\": true, \"factor\": 1, \"minimum\": 3, \"smoothing\":"
            + " 0.1}}} | rules.rate_spike.factor",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4, \"rules\":"
            + " {\"refresh_reuse\": {\"contain\": true}}} | rules.refresh_reuse.threshold",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4, \"rules\":"
            + " {\"new_network\": {\"contain\": true, \"auth_methods\": []}}} |"
            + " rules.new_network.auth_methods",
        "{\"window_seconds\": 60, \"learning_issuances\": 0, \"max_known_values\": 4, \"extra\":"
            + " 1, \"rules\": {}} | extra",
      })
  void refusesADocumentNamingTheFirstBadMember(String json, String member) {
    assertThatThrownBy(() -> DetectionRules.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(member.strip());
  }
}
