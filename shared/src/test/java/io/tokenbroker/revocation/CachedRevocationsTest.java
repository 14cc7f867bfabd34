package io.tokenbroker.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachedRevocationsTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryRevocations store = new InMemoryRevocations();
  private final CachedRevocations cache =
      new CachedRevocations(store, clock, Duration.ofSeconds(5), 2);

  private RevocationStatus status(String jti) {
    return cache.status(jti, "c", "k", Optional.empty());
  }

  @Test
  void seesARevocationWithinTheBoundAndNoLater() {
    assertThat(status("a").tokenRevoked()).isFalse();
    store.revokeToken("a", Instant.MAX, "test");

    clock.advance(Duration.ofMillis(4999));
    assertThat(status("a").tokenRevoked()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(status("a").tokenRevoked()).isTrue();
  }

  @Test
  void costsOneReadPerTokenPerBound() {
    for (int i = 0; i < 50; i++) {
      status("a");
    }
    assertThat(store.reads()).isEqualTo(1);
    status("b");
    assertThat(store.reads()).isEqualTo(2);
  }

  @Test
  void holdsNoMoreTokensThanItsCapacity() {
    status("a");
    status("b");
    status("c");
    status("a");

    assertThat(store.reads()).isEqualTo(4);
  }

  @Test
  void reportsARevokedFamilyOnlyForTokensOfThatFamily() {
    store.revokeFamily("f1", Instant.MAX, "test");

    assertThat(cache.status("x", "c", "k", Optional.of("f1")).familyRevoked()).isTrue();
    assertThat(cache.status("y", "c", "k", Optional.of("f2")).familyRevoked()).isFalse();
    assertThat(cache.status("z", "c", "k", Optional.empty()).familyRevoked()).isFalse();
  }

  @Test
  void readsEveryTokenAfreshAfterClear() {
    assertThat(status("a").tokenRevoked()).isFalse();
    store.revokeToken("a", Instant.MAX, "test");
    assertThat(status("a").tokenRevoked()).as("cached").isFalse();

    cache.clear();

    assertThat(status("a").tokenRevoked()).isTrue();
    assertThat(store.reads()).isEqualTo(2);
  }
}
