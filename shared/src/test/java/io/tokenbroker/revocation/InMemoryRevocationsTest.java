package io.tokenbroker.revocation;

import io.tokenbroker.testing.InMemoryRevocations;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The fake the service tests use, held to the DynamoDB table's contract. */
class InMemoryRevocationsTest extends RevocationRepositoryContract {

  private final InMemoryRevocations revocations = new InMemoryRevocations();

  @Override
  protected RevocationRepository repository() {
    return revocations;
  }

  @Override
  protected RevocationRepository repositoryLosingFirstAnswers() {
    return revocations.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return revocations.lostAnswers();
  }

  @Override
  protected Set<String> lastKeysRead() {
    return revocations.lastKeysRead();
  }

  @Override
  protected Optional<Instant> keptUntil(String pk) {
    return revocations.keptUntil(pk);
  }
}
