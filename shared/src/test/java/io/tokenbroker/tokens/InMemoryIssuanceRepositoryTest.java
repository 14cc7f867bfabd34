package io.tokenbroker.tokens;

import io.tokenbroker.testing.InMemoryIssuanceRepository;

/** The fake the service tests use, held to the DynamoDB table's contract. */
class InMemoryIssuanceRepositoryTest extends IssuanceRepositoryContract {

  private final InMemoryIssuanceRepository issuances = new InMemoryIssuanceRepository();

  @Override
  protected IssuanceRepository issuances() {
    return issuances;
  }

  @Override
  protected IssuanceRepository issuancesLosingFirstAnswers() {
    return issuances.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return issuances.lostAnswers();
  }
}
