package io.tokenbroker.revocation;

import io.tokenbroker.verify.RevocationCheck;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Revocation status per token, re-read at most every {@code maxAge}: the bound within which a
 * revocation reaches a warm verifier. A token seen for the first time costs one read; repeats
 * within {@code maxAge} cost none. Holds at most {@code capacity} tokens (least recently used
 * dropped). Thread-safe.
 */
public final class CachedRevocations implements RevocationCheck {

  private record Cached(RevocationStatus status, Instant readAt) {}

  private final RevocationStore store;
  private final Clock clock;
  private final Duration maxAge;
  private final Map<String, Cached> entries;

  public CachedRevocations(RevocationStore store, Clock clock, Duration maxAge, int capacity) {
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
    this.entries =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public RevocationStatus status(
      String jti,
      String clientId,
      String kid,
      java.util.Optional<String> familyId,
      java.util.List<io.tokenbroker.jose.Ancestor> lineage) {
    Instant now = clock.instant();
    Cached cached;
    synchronized (entries) {
      cached = entries.get(jti);
    }
    if (cached != null && now.isBefore(cached.readAt().plus(maxAge))) {
      return cached.status();
    }
    RevocationStatus fresh = store.status(jti, clientId, kid, familyId, lineage);
    synchronized (entries) {
      entries.put(jti, new Cached(fresh, now));
    }
    return fresh;
  }

  /**
   * Forgets every status read so far: each token's next check reads the store. For a process
   * restored from a snapshot, where "read within maxAge" can no longer be trusted.
   */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  public Duration maxAge() {
    return maxAge;
  }
}
