package io.tokenbroker.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DpopReplayGuard} does, run against the in-memory fake and the DynamoDB table on
 * moto: each proof id is accepted once, and kept at least until the proof's last acceptable instant
 * (neither store forgets a use by itself before then).
 */
public abstract class DpopReplayGuardContract {

  protected static final Instant LAST = Instant.parse("2026-11-30T12:01:10Z");

  protected abstract DpopReplayGuard guard();

  /** The same store through a connection that loses each write's first answer and retries. */
  protected abstract DpopReplayGuard guardLosingFirstAnswers();

  protected abstract int lostAnswers();

  /** Until when the store keeps the use of {@code proofId}, if it holds one. */
  protected abstract Optional<Instant> keptUntil(String proofId);

  protected static String proofId() {
    return UUID.randomUUID().toString().replace("-", "") + "abcdefghijk";
  }

  @Test
  void acceptsEachProofOnce() {
    String a = proofId();
    String b = proofId();

    assertThat(guard().firstUse(a, LAST)).isTrue();
    assertThat(guard().firstUse(a, LAST)).isFalse();
    assertThat(guard().firstUse(b, LAST)).isTrue();
  }

  @Test
  void keepsAUseAtLeastUntilTheProofsLastAcceptableInstant() {
    String a = proofId();

    guard().firstUse(a, LAST);

    assertThat(keptUntil(a)).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(LAST));
    assertThat(keptUntil(proofId())).isEmpty();
  }

  @Test
  void aReplayClaimingALaterInstantIsStillAReplay() {
    String a = proofId();
    guard().firstUse(a, LAST);

    assertThat(guard().firstUse(a, LAST.plusSeconds(3600))).isFalse();
  }

  @Test
  void aFirstUseWhoseWriteAnswerWasLostIsStillTheFirstUse() {
    String a = proofId();
    int lostBefore = lostAnswers();

    assertThat(guardLosingFirstAnswers().firstUse(a, LAST)).isTrue();

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(guard().firstUse(a, LAST)).as("a real replay").isFalse();
  }
}
