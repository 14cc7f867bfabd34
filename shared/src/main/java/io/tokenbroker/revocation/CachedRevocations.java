package io.tokenbroker.revocation;

import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.verify.RevocationCheck;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Revocation status, each part re-read at most every {@code maxAge}: the bound within which a
 * revocation reaches a warm verifier. It keeps each token's own records (its jti and refresh
 * family) per token, and the records many tokens share, each client's watermark and each signing
 * key's record, once per client and per key. A token seen for the first time costs one read of its
 * own records, plus those of its client and key not read within {@code maxAge}; repeats within
 * {@code maxAge} cost none. So the shared items, the same for a whole fleet, are read at most about
 * once per {@code maxAge} per container, not once per new token (docs/scale.md).
 *
 * <p>A token exchanged from others ({@code lineage}) is read whole, as one entry, as before: its
 * ancestors' records are its own.
 *
 * <p>Holds at most {@code capacity} tokens, and as many clients and keys (least recently used
 * dropped). Thread-safe; at most one store read per call.
 */
public final class CachedRevocations implements RevocationCheck {

  /** What a read found, good until {@code freshUntil}: the moment it began plus maxAge. */
  private sealed interface Entry {
    Instant freshUntil();
  }

  /** A token's status. */
  private record Cached(RevocationStatus status, Instant freshUntil) implements Entry {}

  /** A client's watermark. */
  private record Watermark(Optional<Instant> before, Instant freshUntil) implements Entry {}

  /** A signing key's record. */
  private record KeyRecord(boolean revoked, Instant freshUntil) implements Entry {}

  private final RevocationStore store;
  private final Clock clock;
  private final Duration maxAge;
  // One lock for the three: a LinkedHashMap in access order changes on every get.
  private final Object lock = new Object();
  private final Map<String, Cached> tokens;
  private final Map<String, Watermark> clients;
  private final Map<String, KeyRecord> keys;

  public CachedRevocations(RevocationStore store, Clock clock, Duration maxAge, int capacity) {
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
    this.tokens = lru(capacity);
    this.clients = lru(capacity);
    this.keys = lru(capacity);
  }

  private static <V extends Entry> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId, List<Ancestor> lineage) {
    // The cached path is kept small and reads the clock only to compare: each read below takes its
    // own start time, so that a warm decision allocates no more than before.
    Instant now = clock.instant();
    Cached token;
    Watermark client;
    KeyRecord key;
    synchronized (lock) {
      token = tokens.get(jti);
      client = clients.get(clientId);
      key = keys.get(kid);
    }
    boolean tokenFresh = token != null && now.isBefore(token.freshUntil());
    if (!lineage.isEmpty()) {
      return tokenFresh ? token.status() : readWhole(jti, clientId, kid, familyId, lineage);
    }
    boolean clientFresh = client != null && now.isBefore(client.freshUntil());
    boolean keyFresh = key != null && now.isBefore(key.freshUntil());
    if (tokenFresh && clientFresh && keyFresh) {
      return combined(token.status(), client.before(), key.revoked());
    }
    return readOwn(
        jti, clientId, kid, familyId, clientFresh ? client : null, keyFresh ? key : null);
  }

  /**
   * One read: the token's own records (even if fresh, so that they renew with the shared ones
   * instead of costing a read of their own later) and the shared ones not given fresh.
   */
  private RevocationStatus readOwn(
      String jti,
      String clientId,
      String kid,
      Optional<String> familyId,
      Watermark freshClient,
      KeyRecord freshKey) {
    // Taken before the read: what the read finds is at least this recent.
    Instant freshUntil = clock.instant().plus(maxAge);
    RevocationStatus read =
        store.ownStatus(
            jti,
            familyId,
            freshClient != null ? Optional.empty() : Optional.of(clientId),
            freshKey != null ? Optional.empty() : Optional.of(kid));
    RevocationStatus status =
        combined(
            read,
            freshClient != null ? freshClient.before() : read.clientRevokedBefore(),
            freshKey != null ? freshKey.revoked() : read.keyRevoked());
    synchronized (lock) {
      putNewer(tokens, jti, new Cached(status, freshUntil));
      if (freshClient == null) {
        putNewer(clients, clientId, new Watermark(read.clientRevokedBefore(), freshUntil));
      }
      if (freshKey == null) {
        putNewer(keys, kid, new KeyRecord(read.keyRevoked(), freshUntil));
      }
    }
    return status;
  }

  /** Everything the token's status depends on, in one read, kept as one entry. */
  private RevocationStatus readWhole(
      String jti, String clientId, String kid, Optional<String> familyId, List<Ancestor> lineage) {
    Instant freshUntil = clock.instant().plus(maxAge);
    RevocationStatus read = store.status(jti, clientId, kid, familyId, lineage);
    synchronized (lock) {
      putNewer(tokens, jti, new Cached(read, freshUntil));
      // Its own client's and key's records were read too, as fresh as any.
      putNewer(clients, clientId, new Watermark(read.clientRevokedBefore(), freshUntil));
      putNewer(keys, kid, new KeyRecord(read.keyRevoked(), freshUntil));
    }
    return read;
  }

  /**
   * Stores {@code value} unless another thread stored a later read meanwhile: an entry only ever
   * gets fresher. Under {@link #lock}.
   */
  private static <V extends Entry> void putNewer(Map<String, V> entries, String id, V value) {
    V there = entries.get(id);
    if (there == null || !there.freshUntil().isAfter(value.freshUntil())) {
      entries.put(id, value);
    }
  }

  /**
   * The token's own status with its client's watermark and its key's record: {@code own} itself
   * when they are what it holds already (the common case, which allocates nothing).
   */
  private static RevocationStatus combined(
      RevocationStatus own, Optional<Instant> clientRevokedBefore, boolean keyRevoked) {
    if (own.keyRevoked() == keyRevoked && own.clientRevokedBefore().equals(clientRevokedBefore)) {
      return own;
    }
    return new RevocationStatus(
        own.tokenRevoked(),
        clientRevokedBefore,
        keyRevoked,
        own.familyRevoked(),
        own.ancestorRevoked(),
        own.ancestorClientRevoked(),
        own.honeytoken());
  }

  /**
   * Forgets every status read so far, the clients' and keys' too: each token's next check reads the
   * store. For a process restored from a snapshot, where "read within maxAge" can no longer be
   * trusted.
   */
  public void clear() {
    synchronized (lock) {
      tokens.clear();
      clients.clear();
      keys.clear();
    }
  }

  /** How many tokens, clients and keys it holds now, for tests of its bound. */
  int[] sizes() {
    synchronized (lock) {
      return new int[] {tokens.size(), clients.size(), keys.size()};
    }
  }

  public Duration maxAge() {
    return maxAge;
  }
}
