package io.tokenbroker.detection;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientMonitoring.AnomalyResponse;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a {@link Finding} by the client's response policy: always an {@link
 * AlertKind#ANOMALY_DETECTED} alert with the evidence; for a client set to {@code contain} (never a
 * decoy, and only for rules allowed to contain) also its tokens issued until now (the later of the
 * event and the detector's clock) revoked by watermark, within the per-client cool-down and the
 * broker-wide cap ({@link AlertKind#CONTAINMENT_WITHHELD} when they stop it). Each containment is
 * recorded in the ledger and the operator audit ({@code containment.apply}) so an operator can
 * release it.
 *
 * <p>Safe to repeat for one finding (a retried event): the steps run in the order ledger record,
 * revocation, audit, alerts, and a containment already recorded for the same event (and not
 * released) is applied again with its recorded watermark, without taking another slot and without
 * being held back by its own cool-down.
 */
public final class AnomalyResponder {

  /** The audit trail's actor and channel for automatic actions. */
  public static final String ACTOR = "anomaly-detector";

  public static final String APPLY = "containment.apply";

  private final ClientRepository clients;
  private final RevocationRepository revocations;
  private final ContainmentLedger ledger;
  private final SecurityAlerts alerts;
  private final AuditTrail audit;
  private final ContainmentSettings settings;
  private final Clock clock;

  public AnomalyResponder(
      ClientRepository clients,
      RevocationRepository revocations,
      ContainmentLedger ledger,
      SecurityAlerts alerts,
      io.tokenbroker.operator.OperatorAudit audit,
      ContainmentSettings settings,
      Clock clock) {
    this.clients = clients;
    this.revocations = revocations;
    this.ledger = ledger;
    this.alerts = alerts;
    this.audit = new AuditTrail(audit, ACTOR, clock);
    this.settings = settings;
    this.clock = clock;
  }

  /** What was done about a finding. */
  public enum Outcome {
    ALERTED,
    CONTAINED,
    WITHHELD_COOL_DOWN,
    WITHHELD_CAP
  }

  /**
   * @throws io.tokenbroker.errors.ServiceFailure when a store or the alerts fail; the finding's
   *     batch is then retried (and this is safe to repeat)
   */
  public Outcome respond(Finding finding) {
    alerts.raise(alert(AlertKind.ANOMALY_DETECTED, finding, Map.of()));
    Optional<Client> client = clients.find(finding.clientId());
    if (client.isEmpty()
        || client.get().monitoring().decoy()
        || client.get().monitoring().anomalyResponse() != AnomalyResponse.CONTAIN
        || !finding.containable()) {
      return Outcome.ALERTED;
    }
    Optional<Containment> latest = ledger.latest(finding.clientId());
    boolean redelivered =
        latest
            .filter(c -> c.containedAt().equals(finding.at()))
            .filter(c -> c.rule().equals(finding.rule().ruleName()))
            .filter(c -> c.releasedAt().isEmpty())
            .isPresent();
    // Read before taking a slot: a store failing here must not use up the cap on each retry.
    Optional<Instant> before =
        redelivered ? Optional.empty() : revocations.clientWatermark(finding.clientId());
    if (!redelivered) {
      if (latest.isPresent()
          && latest.get().containedAt().plus(settings.coolDown()).isAfter(finding.at())) {
        return withheld(finding, "cool_down", Outcome.WITHHELD_COOL_DOWN);
      }
      if (!ledger.takeSlot(
          finding.at(), settings.capWindow(), settings.cap(), finding.clientId())) {
        return withheld(finding, "cap", Outcome.WITHHELD_CAP);
      }
    }
    Containment containment =
        redelivered ? latest.get() : contain(finding, watermarkFor(finding), before);
    if (containment == null) {
      return withheld(finding, "cool_down", Outcome.WITHHELD_COOL_DOWN);
    }
    // A redelivery re-applies what was recorded, so every try revokes the same tokens.
    Instant watermark = containment.watermarkAfter();
    audit.perform(
        ACTOR,
        APPLY,
        finding.clientId(),
        () ->
            revocations.revokeClientTokensBefore(
                finding.clientId(),
                watermark,
                RevocationRetention.keepUntil(watermark.plus(settings.longestTokenLife()))),
        "rule " + finding.rule().ruleName() + ", tokens issued before " + watermark + " revoked");
    alerts.raise(
        alert(AlertKind.CLIENT_CONTAINED, finding, Map.of("revoked_before", watermark.toString())));
    return Outcome.CONTAINED;
  }

  /**
   * Until the later of the event and the detector's now, rounded up to the next second: tokens
   * minted while the detector lagged behind the event (batching, retries, a backlog) are revoked
   * too. The rules keep judging by event time.
   */
  private Instant watermarkFor(Finding finding) {
    Instant event = finding.at().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    return event.isAfter(now) ? event : now;
  }

  /** Records the containment; null if another container recorded one within the cool-down. */
  private Containment contain(Finding finding, Instant watermark, Optional<Instant> before) {
    Instant after = before.filter(b -> b.isAfter(watermark)).orElse(watermark);
    Containment containment =
        new Containment(
            finding.clientId(),
            finding.at(),
            finding.rule().ruleName(),
            before,
            after,
            Optional.empty());
    return ledger.record(containment, settings.coolDown()) ? containment : null;
  }

  private Outcome withheld(Finding finding, String why, Outcome outcome) {
    alerts.raise(alert(AlertKind.CONTAINMENT_WITHHELD, finding, Map.of("withheld_by", why)));
    return outcome;
  }

  private static SecurityAlert alert(AlertKind kind, Finding finding, Map<String, String> more) {
    Map<String, String> evidence = new LinkedHashMap<>(finding.evidence());
    evidence.putAll(more);
    return new SecurityAlert(kind, Optional.of(finding.clientId()), finding.at(), evidence);
  }
}
