package io.tokenbroker.federation;

import io.tokenbroker.testing.InMemoryOutsideTokenReplayGuard;
import java.time.Instant;
import java.util.Optional;

/** The fake the federation tests use, held to the DynamoDB table's contract. */
class InMemoryOutsideTokenReplayGuardTest extends OutsideTokenReplayGuardContract {

  private final InMemoryOutsideTokenReplayGuard guard = new InMemoryOutsideTokenReplayGuard();

  @Override
  protected OutsideTokenReplayGuard guard() {
    return guard;
  }

  @Override
  protected OutsideTokenReplayGuard guardLosingFirstAnswers() {
    return guard.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return guard.lostAnswers();
  }

  @Override
  protected Optional<Instant> keptUntil(String tokenId) {
    return guard.keptUntil(tokenId);
  }
}
