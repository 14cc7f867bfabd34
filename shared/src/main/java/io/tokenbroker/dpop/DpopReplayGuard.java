package io.tokenbroker.dpop;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;

/**
 * Port: remembers every accepted DPoP proof until it could no longer be accepted anyway, so that
 * each proof is used once across all containers (RFC 9449 11.1).
 */
public interface DpopReplayGuard {

  /**
   * Records the proof as used.
   *
   * @param proofId what identifies the proof: a base64url SHA-256 over its key, {@code htu} and
   *     {@code jti} (43 characters, so a large {@code jti} costs no storage)
   * @param keepUntil the proof's last acceptable instant; the store keeps the use at least until
   *     then
   * @return true if this is its first use, false if it was used before
   * @throws ServiceFailure if the store fails (the proof then counts as not yet used)
   */
  boolean firstUse(String proofId, Instant keepUntil);
}
