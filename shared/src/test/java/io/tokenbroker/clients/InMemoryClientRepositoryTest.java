package io.tokenbroker.clients;

import io.tokenbroker.testing.InMemoryClientRepository;

/** The fake the authentication and admin tests use, held to the DynamoDB table's contract. */
class InMemoryClientRepositoryTest extends ClientRepositoryContract {

  private final InMemoryClientRepository clients = new InMemoryClientRepository();

  @Override
  protected ClientRepository clients() {
    return clients;
  }
}
