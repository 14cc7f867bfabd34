package io.tokenbroker.refresh;

import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.testing.InMemoryIssuanceRepository;
import io.tokenbroker.testing.InMemoryRefreshTokenStore;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.tokens.IssuanceRepository;

/** The fake the refresh tests use, held to the DynamoDB tables' contract. */
class InMemoryRefreshTokenStoreTest extends RefreshTokenStoreContract {

  private final InMemoryIssuanceRepository issuances = new InMemoryIssuanceRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryRefreshTokenStore store =
      new InMemoryRefreshTokenStore(issuances, revocations);

  @Override
  protected RefreshTokenStore store() {
    return store;
  }

  @Override
  protected RefreshTokenStore storeLosingFirstAnswers() {
    return store.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return store.lostAnswers();
  }

  @Override
  protected IssuanceRepository issuances() {
    return issuances;
  }

  @Override
  protected RevocationRepository revocations() {
    return revocations;
  }
}
