package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RotationLock} does, run against the in-memory fake and the DynamoDB key table
 * on moto. The lease is one record per store; each test works in an era of its own, later than
 * every earlier test's leases, so that tests sharing a store do not see each other's.
 */
public abstract class RotationLockContract {

  private static final AtomicInteger ERAS = new AtomicInteger();
  private static final Duration LEASE = Duration.ofMinutes(10);

  /** This test's start: a day after the previous test's. */
  private final Instant t0 =
      Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofDays(ERAS.incrementAndGet()));

  protected abstract RotationLock lock();

  /**
   * The same store, reached through a connection that loses the answer to the first attempt of each
   * write after the store has done it, and then retries the write as the AWS SDK does after an
   * attempt timeout.
   */
  protected abstract RotationLock lockLosingFirstAnswers();

  /** How many answers {@link #lockLosingFirstAnswers()} has lost so far. */
  protected abstract int lostAnswers();

  @Test
  void leasesToOneOwnerAtATime() {
    assertThat(lock().tryAcquire("a", t0, t0.plus(LEASE))).isTrue();

    assertThat(lock().tryAcquire("b", t0.plusSeconds(1), t0.plus(LEASE).plusSeconds(1))).isFalse();
    assertThat(lock().tryAcquire("b", t0.plus(LEASE).minusSeconds(1), t0.plus(LEASE).plus(LEASE)))
        .isFalse();
  }

  @Test
  void aLeaseHoldsUntilTheInstantItEndsAndNoLonger() {
    Instant end = t0.plus(LEASE);
    assertThat(lock().tryAcquire("a", t0, end)).isTrue();

    assertThat(lock().tryAcquire("b", end, end.plus(LEASE))).as("at its end").isFalse();
    assertThat(lock().tryAcquire("b", end.plusSeconds(1), end.plus(LEASE))).isTrue();
  }

  @Test
  void aRunThatDiedOnlyDelaysTheNextUntilItsLeaseExpires() {
    assertThat(lock().tryAcquire("dead", t0, t0.plus(LEASE))).isTrue();

    Instant later = t0.plus(LEASE).plusSeconds(1);
    assertThat(lock().tryAcquire("next", later, later.plus(LEASE))).isTrue();
    assertThat(lock().tryAcquire("dead", later.plusSeconds(1), later.plus(LEASE))).isFalse();
  }

  @Test
  void releasingLetsTheNextRunIn() {
    assertThat(lock().tryAcquire("a", t0, t0.plus(LEASE))).isTrue();

    lock().release("a");

    assertThat(lock().tryAcquire("b", t0.plusSeconds(1), t0.plus(LEASE))).isTrue();
  }

  @Test
  void onlyTheHolderReleasesTheLease() {
    assertThat(lock().tryAcquire("a", t0, t0.plus(LEASE))).isTrue();

    lock().release("b");
    lock().release("b");

    assertThat(lock().tryAcquire("b", t0.plusSeconds(1), t0.plus(LEASE))).isFalse();
  }

  @Test
  void aLeaseWhoseAnswerWasLostIsStillTaken() {
    int lostBefore = lostAnswers();

    assertThat(lockLosingFirstAnswers().tryAcquire("a", t0, t0.plus(LEASE))).isTrue();

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(lock().tryAcquire("b", t0.plusSeconds(1), t0.plus(LEASE))).isFalse();
    assertThat(lockLosingFirstAnswers().tryAcquire("b", t0.plusSeconds(2), t0.plus(LEASE)))
        .as("held by another, its answer lost too")
        .isFalse();
  }
}
