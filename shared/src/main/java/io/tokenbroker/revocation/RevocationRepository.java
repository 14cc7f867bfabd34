package io.tokenbroker.revocation;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: the revocations table, both sides. Every write is durable before it returns, idempotent,
 * and kept (TTL) until the tokens it covers have expired. A write only ever raises what is
 * recorded: a record's TTL to the latest {@code keepUntil} any revocation asked for, a watermark to
 * the latest instant. A record still present after its TTL (DynamoDB deletes expired items days
 * late) is extended, never taken as covering a new revocation.
 *
 * <p>Every method throws {@link ServiceFailure} when the store fails; the revocation then has not
 * been acknowledged and must be retried.
 */
public interface RevocationRepository extends RevocationStore {

  /** Revokes one token until {@code keepUntil} (its expiry plus skew). Repeating is harmless. */
  void revokeToken(String jti, Instant keepUntil, String reason);

  /**
   * Revokes every token of the client issued before {@code before}, and every refresh family it
   * started before. The watermark only moves forward and its TTL only rises: each is the latest any
   * call asked for.
   */
  void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil);

  /** The client's watermark (tokens issued before it are revoked), read strongly consistent. */
  Optional<Instant> clientWatermark(String clientId);

  /**
   * Puts the client's watermark back to {@code restoreTo} (none: no watermark), only if it is still
   * exactly {@code expected}: undoing a containment must never undo a revocation made since.
   *
   * @return false if the watermark is not {@code expected} (nothing changed)
   */
  boolean restoreClientWatermark(String clientId, Instant expected, Optional<Instant> restoreTo);

  /** Revokes every token the key signed. Repeating is harmless. */
  void revokeKey(String kid, Instant keepUntil, String reason);

  /** Revokes every access token issued in a refresh-token family. Repeating is harmless. */
  void revokeFamily(String familyId, Instant keepUntil, String reason);
}
