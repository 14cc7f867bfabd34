package io.tokenbroker.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operators' audit trail (port): every operator action's intent and outcome ({@link
 * AuditEntry}), kept for {@link #RETENTION}. Written by brokerctl and the admin route through
 * {@link AuditTrail}; read by {@code brokerctl audit} and the console.
 */
public interface OperatorAudit {

  /** How long entries are kept (the table's TTL). */
  Duration RETENTION = Duration.ofDays(400);

  /** The most entries one {@link #recent} call returns. */
  int MAX_LIMIT = 1000;

  /**
   * Stores one entry, durably, before returning. Never replaces another entry.
   *
   * @throws io.tokenbroker.errors.ServiceFailure if it could not be stored
   */
  void record(AuditEntry entry);

  /**
   * The newest entries first, at most {@code limit}, only those recorded at or after {@code since}
   * if given (else over the whole {@link #RETENTION}).
   *
   * @throws IllegalArgumentException if limit is not 1-{@link #MAX_LIMIT}
   * @throws io.tokenbroker.errors.ServiceFailure if the trail could not be read
   */
  List<AuditEntry> recent(int limit, Optional<Instant> since);

  /**
   * The newest entries that {@code filter} keeps, at most {@code limit}, searched over the whole
   * window ({@code since}, else {@link #RETENTION}) a page at a time: an old match is found however
   * many newer entries there are, and only one page is held at once besides the matches.
   *
   * @throws IllegalArgumentException if limit is not 1-{@link #MAX_LIMIT}
   * @throws io.tokenbroker.errors.ServiceFailure if the trail could not be read
   */
  List<AuditEntry> recentMatching(
      int limit, Optional<Instant> since, java.util.function.Predicate<AuditEntry> filter);

  /** The rule on {@code limit} every implementation applies. */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT);
    }
  }
}
