package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.HoneytokenUse;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Revocation by a client of its own tokens (RFC 7009); operators use {@code brokerctl revoke} and
 * the admin route. Each revocation is durable before this returns and kept until the tokens it
 * covers expire.
 */
public final class RevocationService {

  private final AccessTokenVerifier ourTokens;
  private final RefreshTokenStore refreshTokens;
  private final FamilyRevocation families;
  private final RevocationRepository revocations;
  private final Telemetry telemetry;

  /**
   * @param ourTokens verifies the broker's access tokens for any audience, revocation read fresh
   */
  public RevocationService(
      AccessTokenVerifier ourTokens,
      RefreshTokenStore refreshTokens,
      FamilyRevocation families,
      RevocationRepository revocations,
      Telemetry telemetry) {
    this.ourTokens = ourTokens;
    this.refreshTokens = refreshTokens;
    this.families = families;
    this.revocations = revocations;
    this.telemetry = telemetry;
  }

  /**
   * RFC 7009: the caller revokes one of its own tokens. Unknown, invalid, expired or already
   * revoked tokens are not an error (nothing to do); another client's token is refused. The two
   * token formats cannot be confused, so the type hint changes nothing but is accepted.
   *
   * @throws RequestRejected {@code unauthorized_client} for another client's token
   */
  public void revokeOwnToken(AuthenticatedClient caller, String token, RequestOrigin origin) {
    revokeOwnToken(caller, token, origin, use -> {});
  }

  /**
   * As {@link #revokeOwnToken(AuthenticatedClient, String, RequestOrigin)}, telling {@code
   * honeytokens} of a decoy access or refresh token presented (the answer is what it would be for
   * any revoked token, or another client's).
   */
  public void revokeOwnToken(
      AuthenticatedClient caller,
      String token,
      RequestOrigin origin,
      Consumer<HoneytokenUse> honeytokens) {
    String clientId = caller.client().clientId();
    if (RefreshTokens.isWellFormed(token)) {
      Optional<RefreshTokenRecord> record = refreshTokens.find(RefreshTokens.hash(token));
      if (record.isEmpty()) {
        return;
      }
      refreshTokens
          .family(record.get().familyId())
          .filter(family -> revocations.familyStatus(family.clientId(), family.id()).honeytoken())
          .ifPresent(
              family ->
                  honeytokens.accept(
                      new HoneytokenFamilyPresented(family.clientId(), family.id(), clientId)));
      requireOwner(record.get().clientId(), clientId);
      // RFC 7009 2.1: revoking a refresh token also revokes the access tokens of its grant. Written
      // even if the family reads as revoked already: the write only ever extends the record.
      refreshTokens
          .family(record.get().familyId())
          .ifPresent(family -> families.revoke(family, RevocationReason.REVOKED_BY_CLIENT, origin));
      return;
    }
    VerifiedToken verified;
    try {
      verified = ourTokens.verify(token);
    } catch (RequestRejected invalidOrAlreadyRevoked) {
      if (invalidOrAlreadyRevoked.rejectionReason() instanceof HoneytokenUse use) {
        honeytokens.accept(use);
      }
      return;
    }
    requireOwner(verified.clientId(), clientId);
    revocations.revokeToken(
        verified.jti(),
        RevocationRetention.keepUntil(verified.expiresAt()),
        RevocationReason.REVOKED_BY_CLIENT.logName());
    telemetry.emit(
        TelemetryEvent.info("revocation.recorded")
            .with("kind", "token")
            .with("client_id", clientId)
            .with("id", verified.jti())
            .count("Revocations", "kind"));
  }

  private static void requireOwner(String owner, String caller) {
    if (!owner.equals(caller)) {
      throw new RequestRejected(
          OAuthError.UNAUTHORIZED_CLIENT,
          PermissionReason.TOKEN_OF_OTHER_CLIENT,
          "the token was not issued to this client");
    }
  }
}
