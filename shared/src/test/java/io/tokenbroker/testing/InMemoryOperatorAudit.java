package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.OperatorAudit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The audit table in memory; can be told to fail its writes, like a table that is down or not
 * granted. Like the table, it lists only entries within the retention (by the injected clock).
 */
public final class InMemoryOperatorAudit implements OperatorAudit {

  private final Clock clock;
  private final List<AuditEntry> entries = new ArrayList<>();
  private volatile int failAfter = Integer.MAX_VALUE;

  public InMemoryOperatorAudit(Clock clock) {
    this.clock = clock;
  }

  /** Every write from now on fails. */
  public void failing(boolean value) {
    failAfter = value ? 0 : Integer.MAX_VALUE;
  }

  /** The next {@code writes} writes succeed, then every write fails. */
  public synchronized void failAfter(int writes) {
    failAfter = writes;
  }

  /** Every entry stored, oldest first. */
  public synchronized List<AuditEntry> all() {
    return List.copyOf(entries);
  }

  @Override
  public synchronized void record(AuditEntry entry) {
    if (failAfter <= 0) {
      throw new ServiceFailure("dynamodb", "PutItem audit entry failed: test", true, null);
    }
    failAfter--;
    entries.add(entry);
  }

  @Override
  public synchronized List<AuditEntry> recent(int limit, Optional<Instant> since) {
    return recentMatching(limit, since, e -> true);
  }

  @Override
  public synchronized List<AuditEntry> recentMatching(
      int limit, Optional<Instant> since, java.util.function.Predicate<AuditEntry> filter) {
    OperatorAudit.requireLimit(limit);
    Instant from = since.orElse(clock.instant().minus(RETENTION));
    List<AuditEntry> newestFirst = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      newestFirst.add(entries.get(i));
    }
    return newestFirst.stream()
        .sorted(Comparator.comparing(AuditEntry::at).reversed()) // stable: later writes first
        .filter(e -> !e.at().isBefore(from))
        .filter(filter)
        .limit(limit)
        .toList();
  }
}
