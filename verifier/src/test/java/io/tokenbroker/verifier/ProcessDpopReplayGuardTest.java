package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verifier's default replay store: each proof once, and forgotten only once it expired. */
class ProcessDpopReplayGuardTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void acceptsEachProofOnceAndForgetsOnlyExpiredUses() {
    MutableClock clock = new MutableClock(NOW);
    ProcessDpopReplayGuard guard = new ProcessDpopReplayGuard(clock);

    assertThat(guard.firstUse("a", NOW.plusSeconds(60))).isTrue();
    assertThat(guard.firstUse("a", NOW.plusSeconds(3600))).isFalse();
    assertThat(guard.firstUse("b", NOW.plusSeconds(120))).isTrue();

    clock.advance(Duration.ofSeconds(90));
    guard.sweep();
    assertThat(guard.size()).isEqualTo(1);
    assertThat(guard.firstUse("b", NOW.plusSeconds(120))).as("b is still in its window").isFalse();
  }

  @Test
  void sweepsAsItWritesSoThatMemoryHoldsAboutOneWindow() {
    MutableClock clock = new MutableClock(NOW);
    ProcessDpopReplayGuard guard = new ProcessDpopReplayGuard(clock);
    for (int i = 0; i < 5000; i++) {
      guard.firstUse("p" + i, clock.instant().plusSeconds(60));
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(guard.size()).isLessThan(60 + 1024 + 1);
  }
}
