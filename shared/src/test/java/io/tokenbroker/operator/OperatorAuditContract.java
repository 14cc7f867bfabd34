package io.tokenbroker.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link OperatorAudit} does, run against the in-memory fake and the table on moto. */
public abstract class OperatorAuditContract {

  protected static final Instant NOW = Instant.parse("2026-11-30T12:00:00.123456Z");

  /** An empty trail whose "now" is {@code clock}'s. */
  protected abstract OperatorAudit audit(Clock clock);

  private final OperatorAudit audit = audit(Clock.fixed(NOW, ZoneOffset.UTC));

  private static AuditEntry at(Instant at, String target, AuditOutcome outcome) {
    return new AuditEntry(
        UUID.randomUUID().toString(),
        at,
        "arn:aws:sts::123456789012:assumed-role/ops/alice",
        AuditEntry.BROKERCTL,
        "revoke client",
        target,
        outcome,
        outcome == AuditOutcome.DONE ? "issued before " + at : "");
  }

  /**
   * A filtered search reads the whole window, not the newest MAX_LIMIT entries: a match older than
   * a thousand newer entries is found (brokerctl audit --target, honeytoken list).
   */
  @Test
  void findsAMatchOlderThanTheNewestThousandEntries() {
    AuditEntry old = at(NOW.minus(Duration.ofDays(40)), "the-old-one", AuditOutcome.DONE);
    audit.record(old);
    for (int i = 0; i < OperatorAudit.MAX_LIMIT + 5; i++) {
      audit.record(at(NOW.minusSeconds(i + 1), "client-" + i, AuditOutcome.DONE));
    }

    assertThat(audit.recentMatching(10, Optional.empty(), e -> e.target().equals("the-old-one")))
        .containsExactly(old);
    assertThat(audit.recentMatching(3, Optional.empty(), e -> e.target().startsWith("client-")))
        .extracting(AuditEntry::target)
        .containsExactly("client-0", "client-1", "client-2");
    assertThat(audit.recent(OperatorAudit.MAX_LIMIT, Optional.empty()))
        .hasSize(OperatorAudit.MAX_LIMIT)
        .doesNotContain(old);
  }

  @Test
  void keepsEveryFieldOfAnEntry() {
    AuditEntry entry =
        new AuditEntry(
            "id-1",
            NOW.minusSeconds(5),
            "arn:aws:iam::123456789012:role/ops",
            AuditEntry.ADMIN_ROUTE,
            "clients put",
            "",
            AuditOutcome.REFUSED,
            "scopes: at least one scope is required (ü)");

    audit.record(entry);

    assertThat(audit.recent(10, Optional.empty())).containsExactly(entry);
  }

  @Test
  void listsTheNewestFirstAcrossDaysUpToTheLimit() {
    Instant threeDaysAgo = NOW.minus(Duration.ofDays(3));
    Instant yesterdayLate = Instant.parse("2026-11-29T23:59:59.999999999Z");
    Instant todayEarly = Instant.parse("2026-11-30T00:00:00Z");
    Instant justBefore = NOW.minusNanos(1000);
    // written out of order: the trail orders by time, not by arrival
    for (Instant at : List.of(todayEarly, threeDaysAgo, justBefore, yesterdayLate)) {
      audit.record(at(at, at.toString(), AuditOutcome.DONE));
    }

    assertThat(audit.recent(10, Optional.empty()))
        .extracting(AuditEntry::at)
        .containsExactly(justBefore, todayEarly, yesterdayLate, threeDaysAgo);
    assertThat(audit.recent(3, Optional.empty()))
        .extracting(AuditEntry::at)
        .containsExactly(justBefore, todayEarly, yesterdayLate);
    assertThat(audit.recent(1, Optional.empty()))
        .extracting(AuditEntry::at)
        .containsExactly(justBefore);
  }

  @Test
  void listsOnlyEntriesAtOrAfterSince() {
    Instant since = Instant.parse("2026-11-29T10:00:00Z");
    audit.record(at(since.minusNanos(1), "before", AuditOutcome.DONE));
    audit.record(at(since, "at", AuditOutcome.DONE));
    audit.record(at(since.plusSeconds(1), "after", AuditOutcome.DONE));
    audit.record(at(NOW.minusSeconds(1), "today", AuditOutcome.DONE));

    assertThat(audit.recent(10, Optional.of(since)))
        .extracting(AuditEntry::target)
        .containsExactly("today", "after", "at");
    assertThat(audit.recent(10, Optional.of(NOW))).isEmpty();
  }

  @Test
  void keepsTwoEntriesOfTheSameInstantAndAction() {
    AuditEntry intent = at(NOW.minusSeconds(1), "billing", AuditOutcome.INTENT);
    AuditEntry done =
        new AuditEntry(
            intent.id(),
            intent.at(),
            intent.actor(),
            intent.via(),
            intent.action(),
            intent.target(),
            AuditOutcome.DONE,
            "");

    audit.record(intent);
    audit.record(done);
    audit.record(intent); // a retried write is a second entry, never a replacement

    assertThat(audit.recent(10, Optional.empty()))
        .hasSize(3)
        .extracting(AuditEntry::outcome)
        .containsOnly(AuditOutcome.INTENT, AuditOutcome.DONE);
  }

  @Test
  void forgetsNothingWithinTheRetentionAndListsNothingBeyondIt() {
    Instant old = NOW.minus(OperatorAudit.RETENTION).minus(Duration.ofDays(2));
    Instant kept = NOW.minus(OperatorAudit.RETENTION).plus(Duration.ofDays(1));
    audit.record(at(old, "old", AuditOutcome.DONE));
    audit.record(at(kept, "kept", AuditOutcome.DONE));

    assertThat(audit.recent(10, Optional.empty()))
        .extracting(AuditEntry::target)
        .containsExactly("kept");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, OperatorAudit.MAX_LIMIT + 1})
  void refusesALimitOutsideItsRange(int limit) {
    assertThatThrownBy(() -> audit.recent(limit, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be 1-" + OperatorAudit.MAX_LIMIT);
  }
}
