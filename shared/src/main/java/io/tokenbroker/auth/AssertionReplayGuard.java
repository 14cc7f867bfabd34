package io.tokenbroker.auth;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;

/**
 * Port: remembers the {@code jti} of every client assertion until it expires, so that each
 * assertion authenticates once.
 */
public interface AssertionReplayGuard {

  /**
   * Records the assertion as used.
   *
   * @return true if this is its first use, false if it was used before
   * @throws ServiceFailure if the store fails (the assertion then counts as not yet used)
   */
  boolean firstUse(String clientId, String jti, Instant expiresAt);
}
