package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.detection.AnomalyResponder.Outcome;
import io.tokenbroker.detection.DetectionRules.Rule;
import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryContainmentLedger;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class AnomalyResponderTest {

  private static final Instant T = Instant.parse("2026-11-30T14:00:00.250Z");
  private static final ContainmentSettings SETTINGS =
      new ContainmentSettings(Duration.ofHours(1), 3, Duration.ofHours(1), Duration.ofDays(1));

  private final MutableClock clock = MutableClock.at("2026-11-30T14:00:05Z");
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryContainmentLedger ledger = new InMemoryContainmentLedger();
  private final RecordingSecurityAlerts alerts = new RecordingSecurityAlerts();
  private final InMemoryOperatorAudit audit = new InMemoryOperatorAudit(clock);
  private final AnomalyResponder responder =
      new AnomalyResponder(clients, revocations, ledger, alerts, audit, SETTINGS, clock);
  private final ContainmentRelease release =
      new ContainmentRelease(clients, revocations, ledger, audit, clock);

  private void client(String id, String response, boolean decoy) {
    Map<String, Object> json = Clients.json(id);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("anomaly_response", response);
    if (decoy) {
      json.put("decoy", true);
    }
    clients.add(Clients.parse(json));
  }

  private static Finding finding(String client, Instant at) {
    return new Finding(Rule.RATE_SPIKE, client, at, true, Map.of("rule", "rate_spike"));
  }

  @Test
  void alertsWithTheEvidenceAndRevokesNothingForAnAlertClient() {
    client("a", "alert", false);

    assertThat(responder.respond(finding("a", T))).isEqualTo(Outcome.ALERTED);

    assertThat(alerts.alerts())
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.kind()).isEqualTo(AlertKind.ANOMALY_DETECTED);
              assertThat(alert.clientId()).contains("a");
              assertThat(alert.occurredAt()).isEqualTo(T);
              assertThat(alert.evidence()).containsEntry("rule", "rate_spike");
            });
    assertThat(revocations.clientWatermark("a")).isEmpty();
  }

  @Test
  void containsAContainClientByWatermarkUntilTheDetectorsNowAndAuditsIt() {
    client("c", "contain", false);

    assertThat(responder.respond(finding("c", T))).isEqualTo(Outcome.CONTAINED);

    // The detector runs 5 s behind the event: tokens minted in between are revoked too.
    Instant watermark = Instant.parse("2026-11-30T14:00:06Z");
    assertThat(revocations.clientWatermark("c")).contains(watermark);
    assertThat(alerts.alerts())
        .extracting(a -> a.kind())
        .containsExactly(AlertKind.ANOMALY_DETECTED, AlertKind.CLIENT_CONTAINED);
    assertThat(audit.all())
        .extracting(AuditEntry::action, AuditEntry::target, AuditEntry::outcome)
        .containsExactly(
            Assertions.tuple("containment.apply", "c", AuditOutcome.INTENT),
            Assertions.tuple("containment.apply", "c", AuditOutcome.DONE));
    assertThat(ledger.latest("c"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.watermarkBefore()).isEmpty();
              assertThat(c.watermarkAfter()).isEqualTo(watermark);
            });
  }

  @Test
  void aFindingFromTheDetectorsFutureIsContainedUntilItsEvent() {
    client("c", "contain", false);

    responder.respond(finding("c", Instant.parse("2026-11-30T14:00:09.5Z")));

    assertThat(revocations.clientWatermark("c")).contains(Instant.parse("2026-11-30T14:00:10Z"));
  }

  @Test
  void neverContainsADecoyOrOnARuleThatOnlyAlerts() {
    client("d", "contain", true);
    client("c", "contain", false);

    assertThat(responder.respond(finding("d", T))).isEqualTo(Outcome.ALERTED);
    assertThat(
            responder.respond(
                new Finding(Rule.NEW_USER_AGENT, "c", T, false, Map.of("rule", "new_user_agent"))))
        .isEqualTo(Outcome.ALERTED);

    assertThat(revocations.state().watermarks()).isEmpty();
  }

  @Test
  void withholdsWithinTheCoolDownAndContainsAgainAfterIt() {
    client("c", "contain", false);
    responder.respond(finding("c", T));

    assertThat(responder.respond(finding("c", T.plus(Duration.ofMinutes(59)))))
        .isEqualTo(Outcome.WITHHELD_COOL_DOWN);
    assertThat(alerts.of(AlertKind.CONTAINMENT_WITHHELD))
        .singleElement()
        .satisfies(a -> assertThat(a.evidence()).containsEntry("withheld_by", "cool_down"));
    assertThat(responder.respond(finding("c", T.plus(Duration.ofMinutes(61)))))
        .isEqualTo(Outcome.CONTAINED);
  }

  @Test
  void containsAtMostTheCapPerRollingWindowBrokerWide() {
    for (int i = 0; i < 5; i++) {
      client("c" + i, "contain", false);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      outcomes.add(responder.respond(finding("c" + i, T.plus(Duration.ofMinutes(i)))));
    }

    assertThat(outcomes)
        .containsExactly(
            Outcome.CONTAINED, Outcome.CONTAINED, Outcome.CONTAINED, Outcome.WITHHELD_CAP);
    assertThat(revocations.state().watermarks()).containsOnlyKeys("c0", "c1", "c2");
    // The first slot frees an hour after the first containment.
    assertThat(responder.respond(finding("c4", T.plus(Duration.ofMinutes(60)))))
        .isEqualTo(Outcome.CONTAINED);
  }

  @Test
  void concurrentDetectorsTogetherStayWithinTheCap() throws Exception {
    for (int i = 0; i < 12; i++) {
      client("c" + i, "contain", false);
    }
    List<Callable<Outcome>> work = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = "c" + i;
      // Each call a detector container of its own, sharing only the stores.
      AnomalyResponder own =
          new AnomalyResponder(clients, revocations, ledger, alerts, audit, SETTINGS, clock);
      work.add(() -> own.respond(finding(id, T)));
      work.add(() -> own.respond(finding(id, T.plusSeconds(1))));
    }
    List<Outcome> outcomes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Outcome> f : pool.invokeAll(work)) {
        outcomes.add(f.get());
      }
    }

    assertThat(outcomes.stream().filter(Outcome.CONTAINED::equals)).hasSize(3);
    assertThat(revocations.state().watermarks()).hasSize(3);
  }

  @Test
  void aRedeliveredFindingIsAppliedAgainWithoutTakingAnotherSlot() {
    client("c", "contain", false);
    // Fails after the ledger recorded it and took the slot: the audit intent, then the revocation.
    audit.failing(true);
    Assertions.assertThatThrownBy(() -> responder.respond(finding("c", T)));
    audit.failing(false);
    assertThat(ledger.latest("c")).isPresent();
    assertThat(revocations.clientWatermark("c")).isEmpty();

    assertThat(responder.respond(finding("c", T))).isEqualTo(Outcome.CONTAINED);
    assertThat(revocations.clientWatermark("c"))
        .contains(ledger.latest("c").orElseThrow().watermarkAfter());
    // Neither the cool-down nor the cap counted the first try again: two more fit in a cap of 3.
    client("x", "contain", false);
    client("y", "contain", false);
    assertThat(responder.respond(finding("x", T))).isEqualTo(Outcome.CONTAINED);
    assertThat(responder.respond(finding("y", T))).isEqualTo(Outcome.CONTAINED);
  }

  @Test
  void releaseRestoresTheWatermarkExactlyAndIsAudited() {
    client("c", "contain", false);
    Instant operatorEarlier = Instant.parse("2026-11-30T10:00:00Z");
    revocations.revokeClientTokensBefore("c", operatorEarlier, T.plus(Duration.ofDays(2)));
    responder.respond(finding("c", T));

    Containment released = release.release("arn:aws:iam::1:user/op", "c");

    assertThat(released.releasedAt()).contains(clock.instant());
    assertThat(revocations.clientWatermark("c")).contains(operatorEarlier);
    assertThat(ledger.latest("c").orElseThrow().releasedAt()).isPresent();
    assertThat(audit.all().getLast().action()).isEqualTo("containment.release");
    assertThat(audit.all().getLast().outcome()).isEqualTo(AuditOutcome.DONE);
    Assertions.assertThatThrownBy(() -> release.release("op", "c"))
        .isInstanceOf(OperatorRefusal.class)
        .hasMessageContaining("not contained");
  }

  @Test
  void aReleaseRetriedAfterTheWatermarkWasRestoredFinishesMarkingTheLedger() {
    client("c", "contain", false);
    Instant operatorEarlier = Instant.parse("2026-11-30T10:00:00Z");
    revocations.revokeClientTokensBefore("c", operatorEarlier, T.plus(Duration.ofDays(2)));
    responder.respond(finding("c", T));
    Containment contained = ledger.latest("c").orElseThrow();
    // The first try restored the watermark, then failed before marking the ledger.
    revocations.restoreClientWatermark(
        "c", contained.watermarkAfter(), contained.watermarkBefore());

    Containment released = release.release("op", "c");

    assertThat(released.releasedAt()).isPresent();
    assertThat(ledger.latest("c").orElseThrow().releasedAt()).isPresent();
    assertThat(revocations.clientWatermark("c")).contains(operatorEarlier);
  }

  @Test
  void releaseRefusesWhenAnOperatorMovedTheWatermarkSinceAndLeavesIt() {
    client("c", "contain", false);
    responder.respond(finding("c", T));
    Instant operatorLater = Instant.parse("2026-11-30T14:10:00Z");
    revocations.revokeClientTokensBefore("c", operatorLater, T.plus(Duration.ofDays(2)));

    Assertions.assertThatThrownBy(() -> release.release("op", "c"))
        .isInstanceOf(OperatorRefusal.class)
        .hasMessageContaining("moved");

    assertThat(revocations.clientWatermark("c")).contains(operatorLater);
    assertThat(ledger.latest("c").orElseThrow().releasedAt()).isEmpty();
    assertThat(audit.all().getLast().outcome()).isEqualTo(AuditOutcome.REFUSED);
  }

  @Test
  void releaseRefusesAnUnknownClientAndOneNeverContained() {
    client("quiet", "contain", false);

    Assertions.assertThatThrownBy(() -> release.release("op", "nobody"))
        .isInstanceOf(OperatorRefusal.class)
        .hasMessageContaining("no client");
    Assertions.assertThatThrownBy(() -> release.release("op", "quiet"))
        .isInstanceOf(OperatorRefusal.class);
    assertThat(release.list()).isEmpty();
    assertThat(Optional.empty()).isEmpty();
  }
}
