package io.tokenbroker.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Simulated time: stands still until a test advances it. */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration));
  }

  /** A sleeper that advances this clock, and whose monotonic time is this clock's. */
  Sleeper sleeper() {
    return sleeper(d -> {});
  }

  /** As {@link #sleeper()}, telling {@code onSleep} of each wait first. */
  Sleeper sleeper(Consumer<Duration> onSleep) {
    return new Sleeper() {
      @Override
      public void sleep(Duration duration) {
        onSleep.accept(duration);
        advance(duration);
      }

      @Override
      public long nanoTime() {
        Instant t = instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
      }
    };
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
