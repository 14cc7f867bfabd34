package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The revocations table in memory; can be told to fail, like a store that is down. Like DynamoDB
 * before its TTL sweep (and moto), it never forgets a record: each keeps the latest TTL any
 * revocation asked for, and a client's watermark only moves forward.
 */
public final class InMemoryRevocations implements RevocationRepository {

  /** keepUntil by the table's key: {@code jti#..}, {@code key#..}, {@code family#..}. */
  private final Map<String, Instant> records = new ConcurrentHashMap<>();

  private record Watermark(Instant before, Instant keepUntil) {}

  private final Map<String, Watermark> watermarks = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
  }

  public int reads() {
    return reads.get();
  }

  /**
   * How many reads asked for each item, by the table's key ({@code jti#..}, {@code client#..},
   * {@code key#..}, {@code family#..}): what DynamoDB would charge one read unit each.
   */
  public int itemReads(String pk) {
    return itemReads.getOrDefault(pk, 0);
  }

  /** How many items all reads so far asked for (each key of each read). */
  public int itemsRead() {
    return itemReads.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The keys the last read asked for, as a BatchGetItem would name them. */
  public Set<String> lastKeysRead() {
    return lastKeys;
  }

  private final Map<String, Integer> itemReads = new ConcurrentHashMap<>();
  private volatile Set<String> lastKeys = Set.of();

  private void record(java.util.Collection<String> keys) {
    Set<String> distinct = new java.util.LinkedHashSet<>(keys);
    distinct.forEach(k -> itemReads.merge(k, 1, Integer::sum));
    lastKeys = Set.copyOf(distinct);
  }

  @Override
  public RevocationStatus status(
      String jti,
      String clientId,
      String kid,
      Optional<String> familyId,
      java.util.List<io.tokenbroker.jose.Ancestor> lineage) {
    reads.incrementAndGet();
    failIfDown();
    java.util.List<String> keys =
        new java.util.ArrayList<>(
            java.util.List.of("jti#" + jti, "client#" + clientId, "key#" + kid));
    familyId.ifPresent(f -> keys.add("family#" + f));
    for (io.tokenbroker.jose.Ancestor a : lineage) {
      keys.add("jti#" + a.jti());
      keys.add("client#" + a.clientId());
      keys.add("key#" + a.kid());
      a.sessionId().ifPresent(f -> keys.add("family#" + f));
    }
    record(keys);
    return new RevocationStatus(
        records.containsKey("jti#" + jti),
        clientWatermark(clientId),
        records.containsKey("key#" + kid),
        familyId.filter(id -> records.containsKey("family#" + id)).isPresent(),
        lineage.stream()
            .anyMatch(
                a ->
                    records.containsKey("jti#" + a.jti())
                        || records.containsKey("key#" + a.kid())
                        || a.sessionId()
                            .filter(s -> records.containsKey("family#" + s))
                            .isPresent()),
        lineage.stream()
            .anyMatch(a -> RevocationStatus.revokedByWatermark(a, clientWatermark(a.clientId()))),
        honeytokens.contains("jti#" + jti)
            || familyId.filter(id -> honeytokens.contains("family#" + id)).isPresent());
  }

  @Override
  public RevocationStatus ownStatus(
      String jti, Optional<String> familyId, Optional<String> clientId, Optional<String> kid) {
    reads.incrementAndGet();
    failIfDown();
    java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("jti#" + jti));
    familyId.ifPresent(f -> keys.add("family#" + f));
    clientId.ifPresent(c -> keys.add("client#" + c));
    kid.ifPresent(k -> keys.add("key#" + k));
    record(keys);
    return new RevocationStatus(
        records.containsKey("jti#" + jti),
        clientId.flatMap(this::clientWatermark),
        kid.filter(k -> records.containsKey("key#" + k)).isPresent(),
        familyId.filter(id -> records.containsKey("family#" + id)).isPresent(),
        false,
        false,
        honeytokens.contains("jti#" + jti)
            || familyId.filter(id -> honeytokens.contains("family#" + id)).isPresent());
  }

  @Override
  public RevocationStatus familyStatus(String clientId, String familyId) {
    reads.incrementAndGet();
    failIfDown();
    record(java.util.List.of("client#" + clientId, "family#" + familyId));
    return new RevocationStatus(
        false,
        clientWatermark(clientId),
        false,
        records.containsKey("family#" + familyId),
        false,
        false,
        honeytokens.contains("family#" + familyId));
  }

  /** Tokens of this client issued before the returned instant are revoked. */
  @Override
  public Optional<Instant> clientWatermark(String clientId) {
    failIfDown();
    return Optional.ofNullable(watermarks.get(clientId)).map(Watermark::before);
  }

  @Override
  public void revokeToken(String jti, Instant keepUntil, String reason) {
    cover("jti#" + jti, keepUntil, reason);
  }

  @Override
  public void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil) {
    failIfDown();
    watermarks.merge(
        clientId,
        new Watermark(before, keepUntil),
        (a, b) ->
            new Watermark(latest(a.before(), b.before()), latest(a.keepUntil(), b.keepUntil())));
  }

  @Override
  public boolean restoreClientWatermark(
      String clientId, Instant expected, Optional<Instant> restoreTo) {
    failIfDown();
    synchronized (watermarks) {
      Watermark now = watermarks.get(clientId);
      if (now == null || !now.before().equals(expected)) {
        return false;
      }
      if (restoreTo.isEmpty()) {
        watermarks.remove(clientId);
      } else {
        watermarks.put(clientId, new Watermark(restoreTo.get(), now.keepUntil()));
      }
      return true;
    }
  }

  @Override
  public void revokeKey(String kid, Instant keepUntil, String reason) {
    cover("key#" + kid, keepUntil, reason);
  }

  @Override
  public void revokeFamily(String familyId, Instant keepUntil, String reason) {
    cover("family#" + familyId, keepUntil, reason);
  }

  /**
   * The TTL of the record under {@code pk} ({@code jti#..}, {@code key#..}, {@code family#..},
   * {@code client#..}), as the DynamoDB table would hold it.
   */
  public Optional<Instant> keptUntil(String pk) {
    if (pk.startsWith("client#")) {
      return Optional.ofNullable(watermarks.get(pk.substring("client#".length())))
          .map(Watermark::keepUntil);
    }
    return Optional.ofNullable(records.get(pk));
  }

  /**
   * This table, reached through a connection that loses the answer to each first write and retries
   * it, as the AWS SDK does after an attempt timeout.
   */
  public RevocationRepository losingFirstAnswers() {
    InMemoryRevocations table = this;
    return new RevocationRepository() {
      @Override
      public RevocationStatus status(
          String jti,
          String clientId,
          String kid,
          Optional<String> familyId,
          java.util.List<io.tokenbroker.jose.Ancestor> lineage) {
        return table.status(jti, clientId, kid, familyId, lineage);
      }

      @Override
      public RevocationStatus ownStatus(
          String jti, Optional<String> familyId, Optional<String> clientId, Optional<String> kid) {
        return table.ownStatus(jti, familyId, clientId, kid);
      }

      @Override
      public RevocationStatus familyStatus(String clientId, String familyId) {
        return table.familyStatus(clientId, familyId);
      }

      @Override
      public Optional<Instant> clientWatermark(String clientId) {
        return table.clientWatermark(clientId);
      }

      @Override
      public boolean restoreClientWatermark(
          String clientId, Instant expected, Optional<Instant> restoreTo) {
        return table.restoreClientWatermark(clientId, expected, restoreTo);
      }

      @Override
      public void revokeToken(String jti, Instant keepUntil, String reason) {
        table.revokeToken(jti, keepUntil, reason);
        lost.incrementAndGet();
        table.revokeToken(jti, keepUntil, reason);
      }

      @Override
      public void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil) {
        table.revokeClientTokensBefore(clientId, before, keepUntil);
        lost.incrementAndGet();
        table.revokeClientTokensBefore(clientId, before, keepUntil);
      }

      @Override
      public void revokeKey(String kid, Instant keepUntil, String reason) {
        table.revokeKey(kid, keepUntil, reason);
        lost.incrementAndGet();
        table.revokeKey(kid, keepUntil, reason);
      }

      @Override
      public void revokeFamily(String familyId, Instant keepUntil, String reason) {
        table.revokeFamily(familyId, keepUntil, reason);
        lost.incrementAndGet();
        table.revokeFamily(familyId, keepUntil, reason);
      }
    };
  }

  /** How many answers {@link #losingFirstAnswers()} has lost. */
  public int lostAnswers() {
    return lost.get();
  }

  /** Everything revoked, at one moment: jtis, kids, refresh families, client watermarks. */
  public record State(
      Set<String> tokens,
      Set<String> keys,
      Set<String> families,
      Map<String, Instant> watermarks) {}

  public State state() {
    return new State(
        ids("jti#"),
        ids("key#"),
        ids("family#"),
        watermarks.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().before())));
  }

  /** A store holding the same revocations, independent of this one from now on. */
  public InMemoryRevocations copy() {
    InMemoryRevocations copy = new InMemoryRevocations();
    copy.records.putAll(records);
    copy.honeytokens.addAll(honeytokens);
    copy.watermarks.putAll(watermarks);
    return copy;
  }

  public boolean tokenRevoked(String jti) {
    return records.containsKey("jti#" + jti);
  }

  public boolean familyRevoked(String familyId) {
    return records.containsKey("family#" + familyId);
  }

  /** How many record writes were asked for (each a conditional PutItem in DynamoDB). */
  public int writes() {
    return writes.get();
  }

  private final AtomicInteger writes = new AtomicInteger();

  private void cover(String pk, Instant keepUntil, String reason) {
    failIfDown();
    writes.incrementAndGet();
    // As the table's conditional put: a record is replaced only by a later TTL, and never when it
    // marks a honeytoken.
    synchronized (records) {
      Instant now = records.get(pk);
      if (now == null || (now.isBefore(keepUntil) && !honeytokens.contains(pk))) {
        records.put(pk, keepUntil);
        if (HONEYTOKEN.equals(reason)) {
          honeytokens.add(pk);
        }
      }
    }
  }

  private static final String HONEYTOKEN =
      io.tokenbroker.revocation.RevocationReason.HONEYTOKEN.logName();

  /** The records whose reason marks a honeytoken. */
  private final Set<String> honeytokens = ConcurrentHashMap.newKeySet();

  private Set<String> ids(String prefix) {
    return records.keySet().stream()
        .filter(pk -> pk.startsWith(prefix))
        .map(pk -> pk.substring(prefix.length()))
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void failIfDown() {
    if (failing) {
      throw new ServiceFailure("dynamodb", "revocations unavailable: injected", true, null);
    }
  }
}
