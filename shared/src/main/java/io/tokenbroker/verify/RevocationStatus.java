package io.tokenbroker.verify;

import java.time.Instant;
import java.util.Optional;

/**
 * What the revocation store says about one token.
 *
 * @param tokenRevoked the token's jti was revoked
 * @param clientRevokedBefore tokens of its client issued before this instant are revoked
 * @param keyRevoked every token its signing key signed is revoked
 * @param familyRevoked its refresh-token family (sid) was revoked
 */
public record RevocationStatus(
    boolean tokenRevoked,
    Optional<Instant> clientRevokedBefore,
    boolean keyRevoked,
    boolean familyRevoked) {

  public static final RevocationStatus NONE =
      new RevocationStatus(false, Optional.empty(), false, false);

  /** The reason a token issued at {@code issuedAt} is revoked, if it is. */
  public Optional<AccessTokenReason> reasonFor(Instant issuedAt) {
    if (tokenRevoked) {
      return Optional.of(AccessTokenReason.TOKEN_REVOKED);
    }
    if (keyRevoked) {
      return Optional.of(AccessTokenReason.SIGNING_KEY_REVOKED);
    }
    if (familyRevoked) {
      return Optional.of(AccessTokenReason.REFRESH_FAMILY_REVOKED);
    }
    if (clientRevokedBefore.filter(issuedAt::isBefore).isPresent()) {
      return Optional.of(AccessTokenReason.CLIENT_TOKENS_REVOKED);
    }
    return Optional.empty();
  }
}
