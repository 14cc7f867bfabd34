package io.tokenbroker.functions.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SNS refuses a Subject of 100 characters or more, or one with line breaks or non-ASCII. */
class SnsSubjectTest {

  private static SecurityAlert alert(AlertKind kind, String clientId) {
    return new SecurityAlert(
        kind, Optional.of(clientId), Instant.parse("2026-11-30T14:00:00Z"), Map.of());
  }

  @Test
  void theLongestClientIdWithTheLongestKindFitsAndKeepsItsBeginning() {
    String id = "a".repeat(60) + "b".repeat(68); // 128, the longest a client id may be

    String subject =
        SnsEventBridgeSecurityAlerts.subject(alert(AlertKind.CONTAINMENT_WITHHELD, id));

    assertThat(subject).hasSizeLessThan(100).startsWith("token-broker containment_withheld aaaa");
    assertThat(subject).matches("[\\x20-\\x7e]+");
  }

  @Test
  void aShortIdIsWholeAndAnUnsafeOneLosesWhatSnsRefuses() {
    assertThat(SnsEventBridgeSecurityAlerts.subject(alert(AlertKind.ANOMALY_DETECTED, "orders")))
        .isEqualTo("token-broker anomaly_detected orders");
    assertThat(
            SnsEventBridgeSecurityAlerts.subject(
                alert(AlertKind.HONEYTOKEN_USED, "dé\ncoy\r\u0007-1")))
        .isEqualTo("token-broker honeytoken_used dcoy-1");
  }
}
