package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AssertionReplayGuard} does, run against the in-memory fake and the DynamoDB
 * table on moto. Neither forgets a use by itself (DynamoDB's TTL sweep can lag by days; moto never
 * sweeps): an assertion is refused as expired before its use could be forgotten.
 */
public abstract class AssertionReplayGuardContract {

  protected static final Instant EXP = Instant.parse("2026-11-28T12:01:00Z");

  protected abstract AssertionReplayGuard guard();

  /**
   * The same store, reached through a connection that loses the answer to the first attempt of each
   * write after the store has done it, and then retries the write as the AWS SDK does after an
   * attempt timeout.
   */
  protected abstract AssertionReplayGuard guardLosingFirstAnswers();

  /** How many answers {@link #guardLosingFirstAnswers()} has lost so far. */
  protected abstract int lostAnswers();

  /** Until when the store keeps the use of {@code jti} by {@code clientId}, if it holds one. */
  protected abstract Optional<Instant> keptUntil(String clientId, String jti);

  protected static String unique(String prefix) {
    return prefix + UUID.randomUUID();
  }

  @Test
  void acceptsEachAssertionIdOncePerClient() {
    String a = unique("a");
    String b = unique("b");

    assertThat(guard().firstUse(a, "jti-1", EXP)).isTrue();
    assertThat(guard().firstUse(a, "jti-1", EXP)).isFalse();
    assertThat(guard().firstUse(b, "jti-1", EXP)).isTrue();
    assertThat(guard().firstUse(a, "jti-2", EXP)).isTrue();
  }

  @Test
  void keepsAUseAtLeastUntilTheAssertionExpires() {
    String a = unique("a");

    guard().firstUse(a, "jti-1", EXP);

    assertThat(keptUntil(a, "jti-1")).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(EXP));
    assertThat(keptUntil(a, "jti-never-used")).isEmpty();
  }

  @Test
  void aReplayClaimingALaterExpiryIsStillAReplay() {
    String a = unique("a");
    guard().firstUse(a, "jti-1", EXP);

    assertThat(guard().firstUse(a, "jti-1", EXP.plusSeconds(3600))).isFalse();
  }

  @Test
  void aFirstUseWhoseWriteAnswerWasLostIsStillTheFirstUse() {
    // Under load an attempt can time out after the store wrote the item; the SDK retries the put,
    // which then fails its own condition. That must not read as a replay (401 to a good client).
    String a = unique("a");
    int lostBefore = lostAnswers();

    assertThat(guardLosingFirstAnswers().firstUse(a, "jti-lost", EXP)).isTrue();

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(guard().firstUse(a, "jti-lost", EXP)).as("a real replay").isFalse();
    assertThat(guardLosingFirstAnswers().firstUse(a, "jti-lost", EXP))
        .as("a real replay, its answer lost too")
        .isFalse();
  }
}
