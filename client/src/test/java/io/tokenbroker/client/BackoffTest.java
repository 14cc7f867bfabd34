package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0                              | 0",
        "7                              | 7",
        "' 120 '                        | 120",
        "Mon, 30 Nov 2026 10:00:09 GMT  | 9",
        "Mon, 30 Nov 2026 09:59:00 GMT  | 0", // a date gone by: now (yet see below)
      })
  void readsRetryAfterInSecondsOrAsAnHttpDate(String header, long seconds) {
    assertThat(Backoff.retryAfter(Optional.of(header), NOW)).contains(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource({"0", "'Mon, 30 Nov 2026 09:59:00 GMT'"})
  void aRetryAfterOfNowStillWaitsTheBackOffStep(String header) {
    Duration step = Duration.ofMillis(400);

    assertThat(Backoff.wait(Backoff.retryAfter(Optional.of(header), NOW), step)).isEqualTo(step);
  }

  @Test
  void aLongerRetryAfterWinsAndNoneMeansTheBackOffStep() {
    Duration step = Duration.ofMillis(400);

    assertThat(Backoff.wait(Optional.of(Duration.ofSeconds(3)), step))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(Backoff.wait(Optional.empty(), step)).isEqualTo(step);
  }

  @ParameterizedTest
  @CsvSource({"-1", "1.5", "soon", "'Mon, 30 Nov 2026'", "99999999999"})
  void ignoresARetryAfterItCannotRead(String header) {
    assertThat(Backoff.retryAfter(Optional.of(header), NOW)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"1, 100", "2, 200", "3, 400", "4, 800", "5, 1000", "40, 1000"})
  void backsOffExponentiallyUpToTheCapWithJitterInTheUpperHalf(int attempt, long ceiling) {
    RetryPolicy policy =
        new RetryPolicy(
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5));
    SplittableRandom random = new SplittableRandom(7);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      long wait = Backoff.exponential(attempt, policy, random).toMillis();
      min = Math.min(min, wait);
      max = Math.max(max, wait);
    }
    assertThat(min).isGreaterThanOrEqualTo(ceiling / 2).isLessThan(ceiling / 2 + ceiling / 10);
    assertThat(max).isLessThanOrEqualTo(ceiling).isGreaterThan(ceiling - ceiling / 10);
  }
}
