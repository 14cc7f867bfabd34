package io.tokenbroker.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The published keys (PENDING, ACTIVE, RETIRED) as last read from the key table, re-read at most
 * once per {@code maxAge}. Thread-safe. The age bound is part of the rotation timing: a key becomes
 * visible here at most {@code maxAge} after it is published.
 */
public final class PublishedKeys {

  private record Snapshot(List<SigningKey> keys, Instant readAt) {}

  private final KeyRepository repository;
  private final Clock clock;
  private final Duration maxAge;
  private volatile Snapshot snapshot;

  public PublishedKeys(KeyRepository repository, Clock clock, Duration maxAge) {
    this.repository = repository;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /** The published keys, read from the table if the cached copy is older than {@code maxAge}. */
  public List<SigningKey> current() {
    Snapshot current = snapshot;
    if (current == null || isStale(current)) {
      current = refresh();
    }
    return current.keys();
  }

  /**
   * Forgets the last read of the key table: the next {@link #current} reads it. For a process
   * restored from a snapshot, whose last read may be any age.
   */
  public synchronized void clear() {
    snapshot = null;
  }

  private synchronized Snapshot refresh() {
    Snapshot current = snapshot;
    if (current != null && !isStale(current)) {
      return current; // another thread refreshed while we waited
    }
    List<SigningKey> published =
        repository.findAll().stream().filter(SigningKey::isPublished).toList();
    snapshot = new Snapshot(published, clock.instant());
    return snapshot;
  }

  private boolean isStale(Snapshot current) {
    return !clock.instant().isBefore(current.readAt().plus(maxAge));
  }
}
