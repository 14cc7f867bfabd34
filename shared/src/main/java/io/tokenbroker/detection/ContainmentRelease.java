package io.tokenbroker.detection;

import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.operator.OperatorAudit;
import io.tokenbroker.revocation.RevocationRepository;
import java.time.Clock;
import java.util.List;

/**
 * An operator's view and undo of automatic containments ({@code brokerctl containment}). A release
 * puts the client's watermark back to what it was before the containment, only if nothing moved it
 * since: an operator's own later revocation is never undone. Each release is audited ({@code
 * containment.release}).
 */
public final class ContainmentRelease {

  public static final String RELEASE = "containment.release";

  private final io.tokenbroker.clients.ClientRepository clients;
  private final RevocationRepository revocations;
  private final ContainmentLedger ledger;
  private final AuditTrail audit;
  private final Clock clock;

  public ContainmentRelease(
      io.tokenbroker.clients.ClientRepository clients,
      RevocationRepository revocations,
      ContainmentLedger ledger,
      OperatorAudit audit,
      Clock clock) {
    this.clients = clients;
    this.revocations = revocations;
    this.ledger = ledger;
    this.audit = new AuditTrail(audit, AuditEntry.BROKERCTL, clock);
    this.clock = clock;
  }

  public List<Containment> list() {
    return ledger.list();
  }

  /**
   * Releases the client's containment.
   *
   * @throws OperatorRefusal for an unknown client, a client with no containment in force, or one
   *     whose watermark moved since (then nothing is changed)
   */
  public Containment release(String actor, String clientId) {
    return audit.perform(
        actor,
        RELEASE,
        clientId,
        () -> {
          if (clients.find(clientId).isEmpty()) {
            throw new OperatorRefusal("no client " + clientId);
          }
          Containment containment =
              ledger
                  .latest(clientId)
                  .filter(c -> c.releasedAt().isEmpty())
                  .orElseThrow(
                      () -> new OperatorRefusal("client " + clientId + " is not contained"));
          // A retry after the watermark was restored but the ledger not marked goes on to mark it.
          boolean restored =
              revocations.restoreClientWatermark(
                      clientId, containment.watermarkAfter(), containment.watermarkBefore())
                  || revocations.clientWatermark(clientId).equals(containment.watermarkBefore());
          if (!restored) {
            throw new OperatorRefusal(
                "client "
                    + clientId
                    + "'s watermark moved since its containment (a later revocation): left as it"
                    + " is");
          }
          Containment released = containment.released(clock.instant());
          if (!ledger.release(
              clientId, containment.containedAt(), released.releasedAt().orElseThrow())) {
            throw new OperatorRefusal(
                "client " + clientId + "'s containment was released or replaced meanwhile");
          }
          return released;
        },
        c ->
            "watermark restored to "
                + c.watermarkBefore().map(Object::toString).orElse("none")
                + " (containment of "
                + c.containedAt()
                + ")");
  }
}
