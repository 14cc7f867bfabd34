package io.tokenbroker.auth;

import io.tokenbroker.testing.InMemoryReplayGuard;
import java.time.Instant;
import java.util.Optional;

/** The fake the authentication tests use, held to the DynamoDB table's contract. */
class InMemoryReplayGuardTest extends AssertionReplayGuardContract {

  private final InMemoryReplayGuard guard = new InMemoryReplayGuard();

  @Override
  protected AssertionReplayGuard guard() {
    return guard;
  }

  @Override
  protected AssertionReplayGuard guardLosingFirstAnswers() {
    return guard.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return guard.lostAnswers();
  }

  @Override
  protected Optional<Instant> keptUntil(String clientId, String jti) {
    return guard.keptUntil(clientId, jti);
  }
}
