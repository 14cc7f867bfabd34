package io.tokenbroker.client;

import java.time.Duration;

/**
 * How long a token request keeps trying when the broker answers 429, 502, 503 or 504 or cannot be
 * reached: it waits what {@code Retry-After} says (seconds or an HTTP date), else an exponential
 * back-off from {@code initialBackoff}, doubled per attempt up to {@code maxBackoff}, of which a
 * random half is waited (jitter); and gives up ({@link TokenUnavailable}) as soon as the next try
 * would start after {@code deadline} from the first.
 *
 * @param initialBackoff the first back-off
 * @param maxBackoff the largest back-off (not a cap on {@code Retry-After}: the broker knows best)
 * @param deadline the most time one {@link TokenClient#token} call spends on one grant
 * @param requestTimeout the most one HTTP exchange may take
 */
public record RetryPolicy(
    Duration initialBackoff, Duration maxBackoff, Duration deadline, Duration requestTimeout) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          Duration.ofMillis(200),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10));

  public RetryPolicy {
    for (Duration d : new Duration[] {initialBackoff, maxBackoff, deadline, requestTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("every duration of a RetryPolicy must be positive");
      }
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
    }
  }
}
