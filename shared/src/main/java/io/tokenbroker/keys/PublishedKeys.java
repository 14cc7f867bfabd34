package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The published keys (PENDING, ACTIVE, RETIRED) as last read from the key table, re-read at most
 * once per {@code maxAge}. Thread-safe. The age bound is part of the rotation timing: a key becomes
 * visible here at most {@code maxAge} after it is published.
 *
 * <p>The key that signs ({@link #signingKey}) is held to a tighter bound, {@code signingKeyCheck}:
 * when the last read that showed it ACTIVE is older than that, one strongly consistent read of its
 * own row confirms it (or, if it is no longer ACTIVE, the table is read again). So a key withdrawn
 * from the table (a compromise) signs for at most {@code signingKeyCheck} after, at the cost of at
 * most one key-row read per {@code signingKeyCheck} per process.
 */
public final class PublishedKeys {

  private record Snapshot(List<SigningKey> keys, Instant readAt) {}

  /** The last time a read showed this key ACTIVE. */
  private record Confirmed(String kid, Instant at) {}

  private final KeyRepository repository;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration signingKeyCheck;
  private volatile Snapshot snapshot;
  private volatile Confirmed confirmed = new Confirmed("", Instant.MIN);

  /** Keys for verifying and publishing: the signing key is not checked more often than the rest. */
  public PublishedKeys(KeyRepository repository, Clock clock, Duration maxAge) {
    this(repository, clock, maxAge, maxAge);
  }

  /**
   * @param signingKeyCheck how old the last read showing the signing key ACTIVE may be before
   *     {@link #signingKey} confirms it again (at most {@code maxAge})
   */
  public PublishedKeys(
      KeyRepository repository, Clock clock, Duration maxAge, Duration signingKeyCheck) {
    this.repository = repository;
    this.clock = clock;
    this.maxAge = maxAge;
    this.signingKeyCheck = signingKeyCheck.compareTo(maxAge) < 0 ? signingKeyCheck : maxAge;
  }

  /** The published keys, read from the table if the cached copy is older than {@code maxAge}. */
  public List<SigningKey> current() {
    return currentSnapshot().keys();
  }

  /**
   * The key that signs new tokens: the ACTIVE one (should rotation ever leave two, the most
   * recently activated), shown ACTIVE by a strongly consistent read at most {@code signingKeyCheck}
   * ago.
   *
   * @throws ServiceFailure if there is no ACTIVE key (retryable: rotation makes one) or the table
   *     cannot be read
   */
  public SigningKey signingKey() {
    Snapshot read = currentSnapshot();
    SigningKey key = active(read);
    Instant now = clock.instant();
    Confirmed last = confirmed;
    Instant confirmedAt =
        last.kid().equals(key.kid()) && last.at().isAfter(read.readAt())
            ? last.at()
            : read.readAt();
    if (!now.isAfter(confirmedAt.plus(signingKeyCheck))) {
      return key;
    }
    if (repository.find(key.kid()).filter(k -> k.state() == KeyState.ACTIVE).isPresent()) {
      confirmed = new Confirmed(key.kid(), now);
      return key;
    }
    return active(refreshUnlessReadAfter(now)); // withdrawn or retired meanwhile
  }

  /**
   * After the key manager refused to sign with {@code refused}: reads the key table again (unless
   * another caller did since {@code refusedAt}) and answers the ACTIVE key if it is another one.
   *
   * @return empty if {@code refused} is still the ACTIVE key: nothing to switch to
   */
  public Optional<SigningKey> successorOf(SigningKey refused, Instant refusedAt) {
    SigningKey active = active(refreshUnlessReadAfter(refusedAt));
    return active.kid().equals(refused.kid()) ? Optional.empty() : Optional.of(active);
  }

  /**
   * Forgets the last read of the key table: the next {@link #current} reads it. For a process
   * restored from a snapshot, whose last read may be any age.
   */
  public synchronized void clear() {
    snapshot = null;
    confirmed = new Confirmed("", Instant.MIN);
  }

  private Snapshot currentSnapshot() {
    Snapshot current = snapshot;
    if (current == null || isStale(current)) {
      current = refresh();
    }
    return current;
  }

  private synchronized Snapshot refresh() {
    Snapshot current = snapshot;
    if (current != null && !isStale(current)) {
      return current; // another thread refreshed while we waited
    }
    return read();
  }

  /** A read newer than {@code instant}: the cached one if it is, else a new one. */
  private synchronized Snapshot refreshUnlessReadAfter(Instant instant) {
    Snapshot current = snapshot;
    if (current != null && current.readAt().isAfter(instant)) {
      return current; // another thread re-read since
    }
    return read();
  }

  private Snapshot read() {
    List<SigningKey> published =
        repository.findAll().stream().filter(SigningKey::isPublished).toList();
    snapshot = new Snapshot(published, clock.instant());
    return snapshot;
  }

  private static SigningKey active(Snapshot read) {
    return read.keys().stream()
        .filter(k -> k.state() == KeyState.ACTIVE)
        .max(Comparator.comparing(SigningKey::activatedAt))
        .orElseThrow(() -> new ServiceFailure("keys", "no ACTIVE signing key", true, null));
  }

  private boolean isStale(Snapshot current) {
    return !clock.instant().isBefore(current.readAt().plus(maxAge));
  }
}
