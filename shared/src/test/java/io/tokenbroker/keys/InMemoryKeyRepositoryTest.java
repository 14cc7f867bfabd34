package io.tokenbroker.keys;

import io.tokenbroker.testing.InMemoryKeyRepository;

/** The fake the key tests use, held to the DynamoDB table's contract. */
class InMemoryKeyRepositoryTest extends KeyRepositoryContract {

  private final InMemoryKeyRepository repository = new InMemoryKeyRepository();

  @Override
  protected KeyRepository repository() {
    return repository;
  }
}
