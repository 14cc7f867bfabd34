package io.tokenbroker.dpop;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RejectionReason;

/**
 * Why a DPoP proof (RFC 9449) is refused: one constant per check of section 4.3, in the order
 * {@link DpopProofVerifier} makes them. All are {@code invalid_dpop_proof} but the two nonce
 * reasons, which are {@code use_dpop_nonce} (section 8) and come with a {@code DPoP-Nonce} header.
 * The description names the broken rule: the proof is the caller's own, so telling reveals nothing,
 * and the checks run after the signature's but the structural ones, which say nothing of any key
 * the broker holds.
 */
public enum DpopReason implements RejectionReason {
  PROOF_MISSING("dpop_proof_missing", "a DPoP proof is required: send one DPoP header"),
  MULTIPLE_PROOFS("dpop_multiple_proofs", "send exactly one DPoP header holding one proof"),
  PROOF_TOO_LARGE("dpop_proof_too_large", "DPoP proof is too large"),
  PROOF_MALFORMED(
      "dpop_proof_malformed", "DPoP proof is not a signed JWT in compact serialization"),
  HEADER_MALFORMED("dpop_header_malformed", "DPoP proof header is not a valid JSON object"),
  CRIT_NOT_UNDERSTOOD("dpop_crit_not_understood", "DPoP proof header has crit: none understood"),
  TYP_NOT_DPOP_JWT("dpop_typ_not_dpop_jwt", "DPoP proof typ must be dpop+jwt"),
  ALG_MISSING("dpop_alg_missing", "DPoP proof alg is required"),
  ALG_NOT_ASYMMETRIC(
      "dpop_alg_not_asymmetric",
      "DPoP proof alg must be an asymmetric signature algorithm, never none or a MAC"),
  ALG_NOT_ALLOWED("dpop_alg_not_allowed", "DPoP proof alg is not one this client may use"),
  JWK_MISSING("dpop_jwk_missing", "DPoP proof header must carry the public key as jwk"),
  JWK_PRIVATE("dpop_jwk_private", "DPoP proof jwk must be a public key: it holds private members"),
  JWK_MALFORMED("dpop_jwk_malformed", "DPoP proof jwk is not a valid RSA or EC public key"),
  JWK_UNFIT_FOR_ALG(
      "dpop_jwk_unfit_for_alg",
      "DPoP proof jwk does not fit alg (RS256/PS256: RSA of 2048 bits or more; ES256: P-256)"),
  BAD_SIGNATURE("dpop_bad_signature", "DPoP proof signature does not verify with its jwk"),
  CLAIMS_MALFORMED("dpop_claims_malformed", "DPoP proof claims are not a valid JSON object"),
  JTI_MISSING("dpop_jti_missing", "DPoP proof jti is required (1-256 characters)"),
  HTM_MISSING("dpop_htm_missing", "DPoP proof htm is required"),
  HTU_MISSING("dpop_htu_missing", "DPoP proof htu is required"),
  IAT_MISSING("dpop_iat_missing", "DPoP proof iat is required (seconds since the epoch)"),
  HTM_MISMATCH("dpop_htm_mismatch", "DPoP proof htm differs from the request's method"),
  HTU_MISMATCH("dpop_htu_mismatch", "DPoP proof htu differs from the request's URL"),
  NONCE_MISSING(
      "dpop_nonce_missing", "the server requires a nonce in the DPoP proof: use DPoP-Nonce"),
  NONCE_STALE("dpop_nonce_stale", "DPoP proof nonce is not current: retry with the new DPoP-Nonce"),
  IAT_TOO_OLD("dpop_iat_too_old", "DPoP proof is too old: make a new one for every request"),
  IAT_IN_FUTURE("dpop_iat_in_future", "DPoP proof iat is in the future: check the clock"),
  ATH_MISSING("dpop_ath_missing", "DPoP proof ath (the access token's hash) is required"),
  ATH_MISMATCH("dpop_ath_mismatch", "DPoP proof ath is not the hash of the access token"),
  KEY_MISMATCH("dpop_key_mismatch", "DPoP proof key is not the key the token is bound to"),
  PROOF_REPLAYED(
      "dpop_proof_replayed", "DPoP proof was used already: make a new one for every request");

  private final String logName;
  private final String description;

  DpopReason(String logName, String description) {
    this.logName = logName;
    this.description = description;
  }

  /** The OAuth error this reason is answered with. */
  public OAuthError error() {
    return this == NONCE_MISSING || this == NONCE_STALE
        ? OAuthError.USE_DPOP_NONCE
        : OAuthError.INVALID_DPOP_PROOF;
  }

  /** The {@code error_description}. */
  public String description() {
    return description;
  }

  @Override
  public String logName() {
    return logName;
  }
}
