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
 * @param ancestorRevoked a token it was exchanged from ({@code lineage}) was revoked
 * @param ancestorClientRevokedBefore the latest watermark of its ancestors' clients: applied to the
 *     token's own iat, so a child is revoked with its parent's client
 */
public record RevocationStatus(
    boolean tokenRevoked,
    Optional<Instant> clientRevokedBefore,
    boolean keyRevoked,
    boolean familyRevoked,
    boolean ancestorRevoked,
    Optional<Instant> ancestorClientRevokedBefore) {

  public static final RevocationStatus NONE =
      new RevocationStatus(false, Optional.empty(), false, false);

  /** The status of a token without lineage. */
  public RevocationStatus(
      boolean tokenRevoked,
      Optional<Instant> clientRevokedBefore,
      boolean keyRevoked,
      boolean familyRevoked) {
    this(tokenRevoked, clientRevokedBefore, keyRevoked, familyRevoked, false, Optional.empty());
  }

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
    if (ancestorRevoked) {
      return Optional.of(AccessTokenReason.ANCESTOR_REVOKED);
    }
    if (ancestorClientRevokedBefore.filter(issuedAt::isBefore).isPresent()) {
      return Optional.of(AccessTokenReason.ANCESTOR_CLIENT_TOKENS_REVOKED);
    }
    return Optional.empty();
  }
}
