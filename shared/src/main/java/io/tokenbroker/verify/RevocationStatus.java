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
 * @param ancestorRevoked a token it was exchanged from ({@code lineage}) was revoked: its jti, its
 *     refresh family ({@code sid}) or its signing key ({@code kid})
 * @param ancestorClientRevoked an ancestor's client revoked its tokens issued before a watermark
 *     later than that ancestor's own {@code iat}: the child is revoked exactly when its parent is
 * @param honeytoken the token's jti, or its refresh family, was recorded as a honeytoken: a decoy
 *     no workload ever uses, so whoever presents it has found it where it was planted (it is
 *     revoked as well: {@link #reasonFor} names it first)
 */
public record RevocationStatus(
    boolean tokenRevoked,
    Optional<Instant> clientRevokedBefore,
    boolean keyRevoked,
    boolean familyRevoked,
    boolean ancestorRevoked,
    boolean ancestorClientRevoked,
    boolean honeytoken) {

  public static final RevocationStatus NONE =
      new RevocationStatus(false, Optional.empty(), false, false);

  /** The status of a token that is no honeytoken. */
  public RevocationStatus(
      boolean tokenRevoked,
      Optional<Instant> clientRevokedBefore,
      boolean keyRevoked,
      boolean familyRevoked,
      boolean ancestorRevoked,
      boolean ancestorClientRevoked) {
    this(
        tokenRevoked,
        clientRevokedBefore,
        keyRevoked,
        familyRevoked,
        ancestorRevoked,
        ancestorClientRevoked,
        false);
  }

  /** The status of a token without lineage. */
  public RevocationStatus(
      boolean tokenRevoked,
      Optional<Instant> clientRevokedBefore,
      boolean keyRevoked,
      boolean familyRevoked) {
    this(tokenRevoked, clientRevokedBefore, keyRevoked, familyRevoked, false, false, false);
  }

  /**
   * Whether {@code ancestor} is revoked by its client's watermark {@code clientRevokedBefore}: as
   * the ancestor itself would be, by its own {@code iat}.
   */
  public static boolean revokedByWatermark(
      io.tokenbroker.jose.Ancestor ancestor, Optional<Instant> clientRevokedBefore) {
    return clientRevokedBefore.filter(ancestor.issuedAt()::isBefore).isPresent();
  }

  /** The reason a token issued at {@code issuedAt} is revoked, if it is. */
  public Optional<AccessTokenReason> reasonFor(Instant issuedAt) {
    if (honeytoken) {
      return Optional.of(AccessTokenReason.HONEYTOKEN_USED);
    }
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
    if (ancestorClientRevoked) {
      return Optional.of(AccessTokenReason.ANCESTOR_CLIENT_TOKENS_REVOKED);
    }
    return Optional.empty();
  }
}
