package io.tokenbroker.verify;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.json.Json;
import java.time.Clock;
import java.util.Optional;

/**
 * Validates the broker's access tokens (RFC 9068 profile, RFC 8725 practices), every check explicit
 * and in this order, so that nothing from the token is trusted before it is checked:
 *
 * <ol>
 *   <li>structure: compact JWS, canonical base64url, size cap ({@link CompactJws}); header and
 *       claims JSON nested at most {@link Json#MAX_DEPTH} levels;
 *   <li>header: a JSON object with exactly {@code alg}, {@code typ}, {@code kid}; alg allowed; typ
 *       {@code at+jwt}; kid well-formed (no jku, jwk, x5u, x5c, crit, cty, enc: refused);
 *   <li>key: kid among the trusted keys, the key's own alg equal to the header's;
 *   <li>signature;
 *   <li>claims: a flat JSON object; iss exact; aud contains ours; exp, iat required; nbf honoured;
 *       lifetime within the maximum; jti, sub, client_id present; every identifier and scope in a
 *       form the broker mints ({@link io.tokenbroker.identifiers}), nothing it could never have
 *       issued;
 *   <li>revocation: the jti, the client's watermark and the signing key, and for a token issued by
 *       exchange each ancestor's jti, key, family and client watermark ({@code lineage}).
 * </ol>
 *
 * Failures are {@link RequestRejected} {@code invalid_token} with a precise reason; a key source or
 * revocation store that cannot be read is a {@link ServiceFailure} (callers fail closed).
 */
public final class AccessTokenVerifier {

  /** Our tokens are under 2 KB; 8 KB leaves room and bounds work on hostile input. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  private final VerifierPolicy policy;
  private final KeyResolver keys;
  private final RevocationCheck revocations;
  private final Clock clock;

  public AccessTokenVerifier(
      VerifierPolicy policy, KeyResolver keys, RevocationCheck revocations, Clock clock) {
    this.policy = policy;
    this.keys = keys;
    this.revocations = revocations;
    this.clock = clock;
  }

  public VerifiedToken verify(String token) {
    CompactJws jws = CompactJws.parse(token, MAX_TOKEN_LENGTH);
    VerifiedToken verified = authentic(jws, Optional.of(clock));
    RevocationStatus status =
        revocations.status(
            verified.jti(),
            verified.clientId(),
            verified.kid(),
            verified.sessionId(),
            verified.lineage());
    if (status.honeytoken()) {
      // Refused as any revoked token; the reason carries the decoy's jti and client for the alert.
      throw new RequestRejected(
          OAuthError.INVALID_TOKEN,
          new HoneytokenPresented(verified.jti(), verified.clientId(), verified.sessionId()),
          "invalid token");
    }
    status
        .reasonFor(verified.issuedAt())
        .ifPresent(
            reason -> {
              throw invalid(reason);
            });
    return verified;
  }

  /**
   * Whether the broker minted this token: checks 1-5 above except those against the present time
   * (an expired or not yet valid token passes), and no revocation check. For a leak report, which
   * must act on an expired or already revoked token of the broker's and never on forged claims;
   * never for an access decision.
   *
   * @throws RequestRejected as {@link #verify} does, for a token that is not the broker's (a key no
   *     longer published included: {@link AccessTokenReason#UNKNOWN_KID})
   */
  public VerifiedToken authenticity(String token) {
    return authentic(CompactJws.parse(token, MAX_TOKEN_LENGTH), Optional.empty());
  }

  private VerifiedToken authentic(CompactJws jws, Optional<Clock> now) {
    TokenFields.Header header = TokenFields.header(jws, policy);
    VerificationKey key =
        keys.find(header.kid()).orElseThrow(() -> invalid(AccessTokenReason.UNKNOWN_KID));
    if (!header.alg().equals(key.jwk().getAlgorithm())) {
      throw invalid(AccessTokenReason.ALG_DOES_NOT_MATCH_KEY);
    }
    if (!SignatureCheck.verifies(header.alg(), key, jws.signingInput(), jws.signature())) {
      throw invalid(AccessTokenReason.BAD_SIGNATURE);
    }
    return TokenFields.claims(jws, header.kid(), policy, now);
  }

  private static RequestRejected invalid(AccessTokenReason reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
