package io.tokenbroker.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** The waits of {@link RetryPolicy}: {@code Retry-After}, else capped exponential with jitter. */
final class Backoff {

  private Backoff() {}

  /**
   * RFC 9110 10.2.3: delay-seconds or an HTTP date (a date in the past means now; {@link #wait}
   * still waits the back-off); empty for anything else.
   */
  static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    if (value.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * What to wait: the longer of Retry-After and the back-off step, so that {@code Retry-After: 0}
   * or a date gone by does not make the client hammer the broker until its deadline.
   */
  static Duration wait(Optional<Duration> retryAfter, Duration backoff) {
    return retryAfter.filter(r -> r.compareTo(backoff) > 0).orElse(backoff);
  }

  /** Attempt n's back-off (n >= 1): half of min(max, initial * 2^(n-1)), plus a random half. */
  static Duration exponential(int attempt, RetryPolicy policy, RandomGenerator random) {
    long initial = policy.initialBackoff().toMillis();
    long max = policy.maxBackoff().toMillis();
    long ceiling = attempt >= 31 ? max : Math.min(max, initial << (attempt - 1));
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }
}
