package io.tokenbroker.revocation;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;

/**
 * Port: the revocations table, both sides. Every write is durable before it returns, idempotent,
 * and kept (TTL) until the tokens it covers have expired.
 *
 * <p>Every method throws {@link ServiceFailure} when the store fails; the revocation then has not
 * been acknowledged and must be retried.
 */
public interface RevocationRepository extends RevocationStore {

  /** Revokes one token until {@code keepUntil} (its expiry plus skew). Repeating is harmless. */
  void revokeToken(String jti, Instant keepUntil, String reason);

  /**
   * Revokes every token of the client issued before {@code before}. The watermark only moves
   * forward: an older one never replaces a newer one.
   */
  void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil);

  /** Revokes every token the key signed. Repeating is harmless. */
  void revokeKey(String kid, Instant keepUntil, String reason);

  /** Revokes every access token issued in a refresh-token family. Repeating is harmless. */
  void revokeFamily(String familyId, Instant keepUntil, String reason);
}
