package io.tokenbroker.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OutsideTokenReplayGuard} does, run against the in-memory fake and the DynamoDB
 * table on moto: each token id is accepted once, and kept at least until the token expires (neither
 * store forgets a use by itself before then).
 */
public abstract class OutsideTokenReplayGuardContract {

  protected static final Instant LAST = Instant.parse("2026-11-30T12:01:10Z");

  protected abstract OutsideTokenReplayGuard guard();

  /** The same store through a connection that loses each write's first answer and retries. */
  protected abstract OutsideTokenReplayGuard guardLosingFirstAnswers();

  protected abstract int lostAnswers();

  /** Until when the store keeps the use of {@code tokenId}, if it holds one. */
  protected abstract Optional<Instant> keptUntil(String tokenId);

  protected static String tokenId() {
    return UUID.randomUUID().toString().replace("-", "") + "abcdefghijk";
  }

  @Test
  void acceptsEachTokenOnce() {
    String a = tokenId();
    String b = tokenId();

    assertThat(guard().firstUse(a, LAST)).isTrue();
    assertThat(guard().firstUse(a, LAST)).isFalse();
    assertThat(guard().firstUse(b, LAST)).isTrue();
  }

  @Test
  void keepsAUseAtLeastUntilTheTokenExpires() {
    String a = tokenId();

    guard().firstUse(a, LAST);

    assertThat(keptUntil(a)).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(LAST));
    assertThat(keptUntil(tokenId())).isEmpty();
  }

  @Test
  void aReplayClaimingALaterInstantIsStillAReplay() {
    String a = tokenId();
    guard().firstUse(a, LAST);

    assertThat(guard().firstUse(a, LAST.plusSeconds(3600))).isFalse();
  }

  @Test
  void aFirstUseWhoseWriteAnswerWasLostIsStillTheFirstUse() {
    String a = tokenId();
    int lostBefore = lostAnswers();

    assertThat(guardLosingFirstAnswers().firstUse(a, LAST)).isTrue();

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(guard().firstUse(a, LAST)).as("a real replay").isFalse();
  }
}
