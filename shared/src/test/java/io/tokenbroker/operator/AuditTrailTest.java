package io.tokenbroker.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

  private static final String ALICE = "arn:aws:sts::123456789012:assumed-role/ops/alice";
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
  private final InMemoryOperatorAudit audit = new InMemoryOperatorAudit(clock);
  private final AuditTrail trail = new AuditTrail(audit, AuditEntry.BROKERCTL, clock);

  @Test
  void recordsTheIntentBeforeActingAndTheOutcomeAfter() {
    List<AuditEntry> seenByTheAction =
        trail.perform(ALICE, "revoke client", "billing", audit::all, seen -> "version 3");

    assertThat(seenByTheAction)
        .singleElement()
        .extracting(AuditEntry::outcome)
        .isEqualTo(AuditOutcome.INTENT);
    assertThat(audit.all())
        .extracting(AuditEntry::outcome, AuditEntry::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(AuditOutcome.INTENT, ""),
            org.assertj.core.groups.Tuple.tuple(AuditOutcome.DONE, "version 3"));
    AuditEntry intent = audit.all().getFirst();
    assertThat(audit.all())
        .allSatisfy(
            e -> {
              assertThat(e.id()).isEqualTo(intent.id());
              assertThat(e.actor()).isEqualTo(ALICE);
              assertThat(e.via()).isEqualTo(AuditEntry.BROKERCTL);
              assertThat(e.action()).isEqualTo("revoke client");
              assertThat(e.target()).isEqualTo("billing");
              assertThat(e.at()).isEqualTo(clock.instant());
            });
  }

  @Test
  void givesEachActionItsOwnId() {
    trail.perform(ALICE, "keys rotate", "", () -> {}, "nothing due");
    trail.perform(ALICE, "keys rotate", "", () -> {}, "nothing due");

    assertThat(audit.all()).extracting(AuditEntry::id).hasSize(4);
    assertThat(audit.all().get(0).id()).isEqualTo(audit.all().get(1).id());
    assertThat(audit.all().get(1).id()).isNotEqualTo(audit.all().get(2).id());
  }

  @Test
  void doesNothingWhenTheIntentCannotBeRecorded() {
    audit.failing(true);
    AtomicBoolean acted = new AtomicBoolean();

    assertThatThrownBy(
            () -> trail.perform(ALICE, "revoke key", "kid-1", () -> acted.set(true), "revoked"))
        .isInstanceOf(ServiceFailure.class)
        .hasMessageContaining("could not record the intent in the audit trail")
        .hasMessageContaining("nothing was done");
    assertThat(acted).isFalse();
    assertThat(audit.all()).isEmpty();
  }

  @Test
  void saysTheActionWasDoneWhenOnlyItsOutcomeCouldNotBeRecorded() {
    audit.failAfter(1);
    AtomicBoolean acted = new AtomicBoolean();

    assertThatThrownBy(
            () -> trail.perform(ALICE, "revoke key", "kid-1", () -> acted.set(true), "revoked"))
        .isInstanceOf(ServiceFailure.class)
        .hasMessageContaining("revoke key kid-1 was done, but its outcome could not be recorded");
    assertThat(acted).isTrue();
    assertThat(audit.all()).extracting(AuditEntry::outcome).containsExactly(AuditOutcome.INTENT);
  }

  @Test
  void recordsARefusalAndRethrowsIt() {
    RequestRejected rejected =
        RequestRejected.invalidRequest(OperatorReason.KEY_ACTIVE, "this is the active key");

    assertThatThrownBy(
            () ->
                trail.perform(
                    ALICE,
                    "revoke key",
                    "kid-1",
                    () -> {
                      throw rejected;
                    },
                    "revoked"))
        .isSameAs(rejected);
    assertThat(audit.all())
        .extracting(AuditEntry::outcome, AuditEntry::detail)
        .last()
        .isEqualTo(
            org.assertj.core.groups.Tuple.tuple(AuditOutcome.REFUSED, "this is the active key"));
  }

  @Test
  void recordsADependencyFailureAndRethrowsIt() {
    ServiceFailure failure = new ServiceFailure("dynamodb", "PutItem failed: x", true, null);

    assertThatThrownBy(
            () ->
                trail.perform(
                    ALICE,
                    "revoke token",
                    "j",
                    () -> {
                      throw failure;
                    },
                    "revoked"))
        .isSameAs(failure);
    assertThat(audit.all().getLast().outcome()).isEqualTo(AuditOutcome.FAILED);
    assertThat(audit.all().getLast().detail()).isEqualTo("dynamodb: PutItem failed: x");
  }

  /**
   * Only a deliberate refusal says "nothing was changed": an IllegalStateException can come after a
   * change (KMS disabling a key after its revocation was written), so it is a failure.
   */
  @Test
  void recordsAnOperatorRefusalAsRefusedAndAnyOtherExceptionAsFailed() {
    List<RuntimeException> thrown =
        List.of(
            new OperatorRefusal("no such key: k"),
            new IllegalStateException("KMS: key is pending deletion"),
            new IllegalArgumentException("bad value"));

    for (RuntimeException e : thrown) {
      assertThatThrownBy(
              () ->
                  trail.perform(
                      ALICE,
                      "keys compromise",
                      "k",
                      () -> {
                        throw e;
                      },
                      "done"))
          .isSameAs(e);
    }

    assertThat(audit.all())
        .filteredOn(entry -> entry.outcome() != AuditOutcome.INTENT)
        .extracting(AuditEntry::outcome)
        .containsExactly(AuditOutcome.REFUSED, AuditOutcome.FAILED, AuditOutcome.FAILED);
  }
}
