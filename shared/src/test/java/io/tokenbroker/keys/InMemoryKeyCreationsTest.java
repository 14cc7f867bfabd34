package io.tokenbroker.keys;

import io.tokenbroker.testing.InMemoryKeyCreations;

/** The fake the rotation tests use, held to the DynamoDB table's contract. */
class InMemoryKeyCreationsTest extends KeyCreationsContract {

  private final InMemoryKeyCreations creations = new InMemoryKeyCreations();

  @Override
  protected KeyCreations creations() {
    return creations;
  }
}
