package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.refresh.RefreshConflict;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.tokens.Issuance;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refresh families and tokens in memory, all-or-nothing like the DynamoDB transactions, writing
 * access-token records to the given issuance repository.
 */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {

  private final Map<String, RefreshFamily> families = new ConcurrentHashMap<>();
  private final Map<String, RefreshTokenRecord> tokens = new ConcurrentHashMap<>();
  private final InMemoryIssuanceRepository issuances;
  private volatile boolean failing;

  public InMemoryRefreshTokenStore(InMemoryIssuanceRepository issuances) {
    this.issuances = issuances;
  }

  public void failing(boolean value) {
    failing = value;
  }

  @Override
  public synchronized void startFamily(
      RefreshFamily family, RefreshTokenRecord first, Issuance accessToken) {
    failIfDown();
    issuances.record(accessToken);
    families.put(family.id(), family);
    tokens.put(first.hash(), first);
  }

  @Override
  public Optional<RefreshTokenRecord> find(String hash) {
    failIfDown();
    return Optional.ofNullable(tokens.get(hash));
  }

  @Override
  public Optional<RefreshFamily> family(String familyId) {
    failIfDown();
    return Optional.ofNullable(families.get(familyId));
  }

  @Override
  public synchronized void rotate(
      RefreshTokenRecord used, RefreshTokenRecord next, Issuance accessToken) {
    failIfDown();
    RefreshTokenRecord current = tokens.get(used.hash());
    if (current == null || current.used() || families.get(used.familyId()).revoked()) {
      throw new RefreshConflict();
    }
    issuances.record(accessToken);
    tokens.put(
        used.hash(),
        new RefreshTokenRecord(
            current.hash(),
            current.familyId(),
            current.clientId(),
            current.issuedAt(),
            current.idleExpiresAt(),
            true));
    tokens.put(next.hash(), next);
  }

  @Override
  public synchronized void revokeFamily(String familyId) {
    failIfDown();
    RefreshFamily f = families.get(familyId);
    if (f != null) {
      families.put(
          familyId,
          new RefreshFamily(
              f.id(),
              f.clientId(),
              f.scopes(),
              f.audiences(),
              f.accessLifetime(),
              f.createdAt(),
              f.expiresAt(),
              true));
    }
  }

  /**
   * A store holding the same families and tokens, independent of this one from now on, writing
   * access-token records to {@code issuances}.
   */
  public InMemoryRefreshTokenStore copy(InMemoryIssuanceRepository issuances) {
    InMemoryRefreshTokenStore copy = new InMemoryRefreshTokenStore(issuances);
    copy.families.putAll(families);
    copy.tokens.putAll(tokens);
    return copy;
  }

  public int tokenCount() {
    return tokens.size();
  }

  private void failIfDown() {
    if (failing) {
      throw new ServiceFailure("dynamodb", "refresh tokens unavailable: injected", true, null);
    }
  }
}
