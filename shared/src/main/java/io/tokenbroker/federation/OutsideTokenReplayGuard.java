package io.tokenbroker.federation;

import java.time.Instant;

/**
 * Port: remembers every outside token exchanged under a single-use trust policy, by its issuer and
 * {@code jti}, until it has expired, so that each is exchanged once across all containers.
 */
public interface OutsideTokenReplayGuard {

  /**
   * Records the token as used.
   *
   * @param tokenId what identifies the token: a base64url SHA-256 over its issuer and {@code jti}
   *     (43 characters, so a large {@code jti} costs no storage)
   * @param keepUntil the token's {@code exp}; the store keeps the use at least until then (the
   *     DynamoDB adapter adds the clock skew)
   * @return true if this is its first use, false if it was used before
   * @throws io.tokenbroker.errors.ServiceFailure if the store fails (the token then counts as not
   *     yet used)
   */
  boolean firstUse(String tokenId, Instant keepUntil);
}
