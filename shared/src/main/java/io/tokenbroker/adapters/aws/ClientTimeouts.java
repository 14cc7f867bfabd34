package io.tokenbroker.adapters.aws;

import java.time.Duration;

/**
 * How long an AWS call may take and how often it is tried: set per function so that the whole call,
 * retries included, ends well inside the function's own time budget.
 *
 * @param apiCallTimeout bound on one SDK call including its retries
 * @param attemptTimeout bound on one HTTP attempt
 * @param maxAttempts attempts per call (1 = no retry)
 */
public record ClientTimeouts(Duration apiCallTimeout, Duration attemptTimeout, int maxAttempts) {

  public ClientTimeouts {
    if (attemptTimeout.compareTo(apiCallTimeout) > 0 || maxAttempts < 1) {
      throw new IllegalArgumentException("attempt timeout must fit in the call timeout");
    }
  }

  /** For request paths behind API Gateway (29 s integration limit, functions' 10 s timeout). */
  public static ClientTimeouts requestPath() {
    return new ClientTimeouts(Duration.ofSeconds(4), Duration.ofMillis(1500), 3);
  }

  /** For background work with a generous budget (key rotation, operator tools). */
  public static ClientTimeouts background() {
    return new ClientTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(5), 4);
  }
}
