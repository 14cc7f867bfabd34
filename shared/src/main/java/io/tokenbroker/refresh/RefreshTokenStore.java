package io.tokenbroker.refresh;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.tokens.Issuance;
import java.util.Optional;

/**
 * Port: refresh-token families and tokens. Writes that belong together are one transaction: no
 * refresh token exists without its access token's issuance record, and none is spent without its
 * successor being stored.
 *
 * <p>Every method throws {@link ServiceFailure} when the store fails; nothing has then changed.
 */
public interface RefreshTokenStore {

  /** Stores a new family, its first refresh token and the access token issued with it. */
  void startFamily(RefreshFamily family, RefreshTokenRecord first, Issuance accessToken);

  Optional<RefreshTokenRecord> find(String hash);

  Optional<RefreshFamily> family(String familyId);

  /**
   * Spends {@code used} and stores {@code next} and the new access token's record, atomically, on
   * condition that the revocations table does not revoke {@code family} (no family record, no
   * client watermark after its start): a revocation written between the caller's read and this
   * write stops the rotation.
   *
   * <p>A retry of this very rotation (the store's answer was lost, the client retried) succeeds: it
   * is not a conflict with itself.
   *
   * @throws RefreshConflict if {@code used} was spent meanwhile (exactly one of two concurrent
   *     rotations succeeds) or the family was revoked meanwhile ({@link
   *     RefreshConflict#familyRevoked})
   * @throws ServiceFailure (retryable) if the store cancelled the write for another reason, such as
   *     throttling; nothing changed
   */
  void rotate(
      RefreshFamily family, RefreshTokenRecord used, RefreshTokenRecord next, Issuance accessToken);
}
