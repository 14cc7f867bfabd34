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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refresh families and tokens in memory, all-or-nothing like the DynamoDB transactions, writing
 * access-token records to the given issuance repository; like the DynamoDB store, a rotation is
 * conditional on the revocations table not revoking the family.
 */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {

  private final Map<String, RefreshFamily> families = new ConcurrentHashMap<>();
  private final Map<String, RefreshTokenRecord> tokens = new ConcurrentHashMap<>();

  /** The successor each spent token was replaced by, as the DynamoDB item's replaced_by. */
  private final Map<String, String> replacedBy = new ConcurrentHashMap<>();

  private final InMemoryIssuanceRepository issuances;
  private final InMemoryRevocations revocations;
  private final AtomicInteger lost = new AtomicInteger();
  private volatile boolean failing;

  public InMemoryRefreshTokenStore(
      InMemoryIssuanceRepository issuances, InMemoryRevocations revocations) {
    this.issuances = issuances;
    this.revocations = revocations;
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
      RefreshFamily family,
      RefreshTokenRecord used,
      RefreshTokenRecord next,
      Issuance accessToken) {
    failIfDown();
    RefreshTokenRecord current = tokens.get(used.hash());
    if (current != null && current.used() && next.hash().equals(replacedBy.get(used.hash()))) {
      return; // a retry of this very rotation, whose first answer was lost: it is done
    }
    // DynamoDB checks every condition of the transaction and reports each: a revoked family wins
    // over a spent token, so the caller does not take a revocation for reuse.
    if (revocations
        .familyStatus(family.clientId(), family.id())
        .reasonFor(family.createdAt())
        .isPresent()) {
      throw new RefreshConflict(true);
    }
    if (current == null || current.used()) {
      throw new RefreshConflict(false);
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
    replacedBy.put(used.hash(), next.hash());
  }

  /**
   * A store holding the same families and tokens, independent of this one from now on, writing
   * access-token records to {@code issuances} and reading {@code revocations}.
   */
  public InMemoryRefreshTokenStore copy(
      InMemoryIssuanceRepository issuances, InMemoryRevocations revocations) {
    InMemoryRefreshTokenStore copy = new InMemoryRefreshTokenStore(issuances, revocations);
    copy.families.putAll(families);
    copy.tokens.putAll(tokens);
    copy.replacedBy.putAll(replacedBy);
    return copy;
  }

  /**
   * This store, reached through a connection that loses the answer to each first write and retries
   * it, as the AWS SDK does after an attempt timeout.
   */
  public RefreshTokenStore losingFirstAnswers() {
    InMemoryRefreshTokenStore store = this;
    return new RefreshTokenStore() {
      @Override
      public void startFamily(RefreshFamily family, RefreshTokenRecord first, Issuance access) {
        store.startFamily(family, first, access);
        lost.incrementAndGet();
        store.startFamily(family, first, access);
      }

      @Override
      public Optional<RefreshTokenRecord> find(String hash) {
        return store.find(hash);
      }

      @Override
      public Optional<RefreshFamily> family(String familyId) {
        return store.family(familyId);
      }

      @Override
      public void rotate(
          RefreshFamily family,
          RefreshTokenRecord used,
          RefreshTokenRecord next,
          Issuance accessToken) {
        store.rotate(family, used, next, accessToken);
        lost.incrementAndGet();
        store.rotate(family, used, next, accessToken);
      }
    };
  }

  /** How many answers {@link #losingFirstAnswers()} has lost. */
  public int lostAnswers() {
    return lost.get();
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
