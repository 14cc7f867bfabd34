package io.tokenbroker.bench.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * An entry kept for a fixed time after it was filled, and not refreshed by hits: how the
 * authorizer's per-jti revocation cache, API Gateway's authorizer result cache and the token
 * function's reuse window behave. A TTL of 0 never hits.
 */
public final class TtlCache<K> {

  private final double ttl;
  private final Map<K, Double> filledAt = new HashMap<>();
  private long hits;
  private long misses;

  public TtlCache(double ttlSeconds) {
    this.ttl = ttlSeconds;
  }

  /** True on a hit; on a miss the caller reads and the entry is filled at {@code now}. */
  public boolean lookup(K key, double now) {
    Double at = filledAt.get(key);
    if (ttl > 0 && at != null && now - at < ttl) {
      hits++;
      return true;
    }
    misses++;
    if (ttl > 0) {
      filledAt.put(key, now);
    }
    return false;
  }

  public void invalidate(K key) {
    filledAt.remove(key);
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  public double hitRatio() {
    long all = hits + misses;
    return all == 0 ? 0 : (double) hits / all;
  }
}
