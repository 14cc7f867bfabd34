package io.tokenbroker.dpop;

import io.tokenbroker.testing.InMemoryDpopReplayGuard;
import java.time.Instant;
import java.util.Optional;

/** The fake the DPoP tests use, held to the DynamoDB table's contract. */
class InMemoryDpopReplayGuardTest extends DpopReplayGuardContract {

  private final InMemoryDpopReplayGuard guard = new InMemoryDpopReplayGuard();

  @Override
  protected DpopReplayGuard guard() {
    return guard;
  }

  @Override
  protected DpopReplayGuard guardLosingFirstAnswers() {
    return guard.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return guard.lostAnswers();
  }

  @Override
  protected Optional<Instant> keptUntil(String proofId) {
    return guard.keptUntil(proofId);
  }
}
