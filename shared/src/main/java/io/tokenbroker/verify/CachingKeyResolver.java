package io.tokenbroker.verify;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.jose.WeakRsaKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keys held in memory and re-read from their source at most every {@code maxAge}. An unknown kid
 * triggers an early re-read, but at most one per {@code minRefreshInterval} (the penalty box), so a
 * flood of tokens with made-up kids cannot turn into a flood of reads. Keys without a kid or an alg
 * are ignored: a key must say which algorithm it verifies. Each key is prepared for verifying
 * ({@link VerificationKey}: JCA key, size and curve checks) once per read, not once per token.
 * Thread-safe.
 */
public final class CachingKeyResolver implements KeyResolver {

  private record Snapshot(Map<String, VerificationKey> byKid, Instant readAt) {}

  private final KeySource source;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration minRefreshInterval;
  private volatile Snapshot snapshot;

  public CachingKeyResolver(
      KeySource source, Clock clock, Duration maxAge, Duration minRefreshInterval) {
    this.source = source;
    this.clock = clock;
    this.maxAge = maxAge;
    this.minRefreshInterval = minRefreshInterval;
  }

  @Override
  public Optional<VerificationKey> find(String kid) {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (current == null || !now.isBefore(current.readAt().plus(maxAge))) {
      current = refresh(current);
    } else if (!current.byKid().containsKey(kid)
        && !now.isBefore(current.readAt().plus(minRefreshInterval))) {
      current = refresh(current);
    }
    return Optional.ofNullable(current.byKid().get(kid));
  }

  /**
   * Forgets the keys and when they were read (and so the penalty box): the next {@link #find} reads
   * the source. For a process restored from a snapshot, whose last read may be any age.
   */
  public synchronized void clear() {
    snapshot = null;
  }

  /**
   * Reads the source now if nothing is held, so that the first {@link #find} costs no read (a
   * function's init phase). An empty read is not kept: the first token's kid is then looked up in a
   * read of its own, not refused from the penalty box.
   *
   * @throws RuntimeException whatever the source throws; nothing is kept then
   */
  public synchronized void warm() {
    if (snapshot == null) {
      Snapshot read = read();
      if (!read.byKid().isEmpty()) {
        snapshot = read;
      }
    }
  }

  private synchronized Snapshot refresh(Snapshot seen) {
    if (snapshot != seen) {
      return snapshot; // another thread refreshed meanwhile
    }
    snapshot = read();
    return snapshot;
  }

  private Snapshot read() {
    List<JWK> keys = source.fetch();
    // Two different keys under one kid are ambiguous: trust neither.
    Map<String, VerificationKey> byKid =
        keys.stream()
            .filter(k -> k.getKeyID() != null && k.getAlgorithm() != null && !k.isPrivate())
            .filter(k -> !(k instanceof RSAKey rsa && WeakRsaKeys.hasRocaFingerprint(rsa)))
            .collect(Collectors.groupingBy(JWK::getKeyID))
            .entrySet()
            .stream()
            .filter(e -> e.getValue().stream().distinct().count() == 1)
            .collect(
                Collectors.toUnmodifiableMap(
                    Map.Entry::getKey, e -> VerificationKey.of(e.getValue().getFirst())));
    return new Snapshot(byKid, clock.instant());
  }
}
