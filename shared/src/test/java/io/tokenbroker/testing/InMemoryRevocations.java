package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The revocations table in memory; can be told to fail, like a store that is down. */
public final class InMemoryRevocations implements RevocationRepository {

  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  private final Set<String> families = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> watermarks = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
  }

  public int reads() {
    return reads.get();
  }

  @Override
  public RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId) {
    reads.incrementAndGet();
    failIfDown();
    return new RevocationStatus(
        tokens.contains(jti),
        Optional.ofNullable(watermarks.get(clientId)),
        keys.contains(kid),
        familyId.filter(families::contains).isPresent());
  }

  @Override
  public Optional<Instant> clientWatermark(String clientId) {
    failIfDown();
    return Optional.ofNullable(watermarks.get(clientId));
  }

  @Override
  public void revokeToken(String jti, Instant keepUntil, String reason) {
    failIfDown();
    tokens.add(jti);
  }

  @Override
  public void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil) {
    failIfDown();
    watermarks.merge(clientId, before, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public void revokeKey(String kid, Instant keepUntil, String reason) {
    failIfDown();
    keys.add(kid);
  }

  @Override
  public void revokeFamily(String familyId, Instant keepUntil, String reason) {
    failIfDown();
    families.add(familyId);
  }

  /** Everything revoked, at one moment: jtis, kids, refresh families, client watermarks. */
  public record State(
      Set<String> tokens,
      Set<String> keys,
      Set<String> families,
      Map<String, Instant> watermarks) {}

  public State state() {
    return new State(
        Set.copyOf(tokens), Set.copyOf(keys), Set.copyOf(families), Map.copyOf(watermarks));
  }

  /** A store holding the same revocations, independent of this one from now on. */
  public InMemoryRevocations copy() {
    InMemoryRevocations copy = new InMemoryRevocations();
    copy.tokens.addAll(tokens);
    copy.keys.addAll(keys);
    copy.families.addAll(families);
    copy.watermarks.putAll(watermarks);
    return copy;
  }

  public boolean tokenRevoked(String jti) {
    return tokens.contains(jti);
  }

  public boolean familyRevoked(String familyId) {
    return families.contains(familyId);
  }

  private void failIfDown() {
    if (failing) {
      throw new ServiceFailure("dynamodb", "revocations unavailable: injected", true, null);
    }
  }
}
