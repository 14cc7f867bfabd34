package io.tokenbroker.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachedRevocationsTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final AtomicReference<RevocationStatus> stored =
      new AtomicReference<>(RevocationStatus.NONE);
  private final AtomicInteger reads = new AtomicInteger();
  private final CachedRevocations cache =
      new CachedRevocations(
          (jti, client, kid) -> {
            reads.incrementAndGet();
            return stored.get();
          },
          clock,
          Duration.ofSeconds(5),
          2);

  @Test
  void seesARevocationWithinTheBoundAndNoLater() {
    assertThat(cache.status("a", "c", "k").tokenRevoked()).isFalse();
    stored.set(new RevocationStatus(true, Optional.empty(), false));

    clock.advance(Duration.ofMillis(4999));
    assertThat(cache.status("a", "c", "k").tokenRevoked()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.status("a", "c", "k").tokenRevoked()).isTrue();
  }

  @Test
  void costsOneReadPerTokenPerBound() {
    for (int i = 0; i < 50; i++) {
      cache.status("a", "c", "k");
    }
    assertThat(reads).hasValue(1);
    cache.status("b", "c", "k");
    assertThat(reads).hasValue(2);
  }

  @Test
  void holdsNoMoreTokensThanItsCapacity() {
    cache.status("a", "c", "k");
    cache.status("b", "c", "k");
    cache.status("c", "c", "k");
    cache.status("a", "c", "k");

    assertThat(reads).hasValue(4);
  }
}
