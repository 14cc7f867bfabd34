package io.tokenbroker.federation;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why an outside token (federation, RFC 8693) was refused: one constant per rule, in the order the
 * rules are checked. Only the log names it: every one but {@link #CLIENT_HAS_NO_TRUST_POLICY} is
 * answered {@code invalid_request} with the same words ({@link OutsideTokenVerifier#notAcceptable}:
 * "subject_token is not acceptable", or "actor_token ..."), so a caller learns nothing about the
 * policies.
 */
public enum FederationReason implements RejectionReason {
  /**
   * The client exists but has no trust policy: it cannot be authenticated this way. Answered {@code
   * invalid_client}, as an unknown client is, with no more said.
   */
  CLIENT_HAS_NO_TRUST_POLICY("federation_no_trust_policy"),
  /** RFC 8693 3: the subject token's type says it is an access token, not a JWT or ID token. */
  TOKEN_TYPE_NOT_ACCEPTED("federation_token_type_not_accepted"),
  /** Not a compact JWS, or its header or claims are not strict JSON of the right types. */
  MALFORMED("federation_token_malformed"),
  /** The header's typ names another kind of JWT (an access token, a DPoP proof, ...). */
  TYP_NOT_ACCEPTED("federation_typ_not_accepted"),
  /** The header has crit: no extension is understood (RFC 7515 4.1.11). */
  CRITICAL_HEADER("federation_critical_header"),
  /** The header names no kid: the key is never guessed. */
  KID_MISSING("federation_kid_missing"),
  /** No iss, or no policy of the client names the token's issuer. */
  UNKNOWN_ISSUER("federation_unknown_issuer"),
  /** The alg is outside the policy's allow-list (never none or HMAC). */
  ALGORITHM_NOT_ALLOWED("federation_algorithm_not_allowed"),
  /**
   * The issuer's keys may not be had at all (IssuerKeys' non-retryable failure: its JWKS on a
   * private address, discovery naming another issuer, no https, a redirect, a certificate refused):
   * the issuer is not trusted. An issuer's hiccup (a 404, an error page) is a 503.
   */
  ISSUER_KEYS_REFUSED("federation_issuer_keys_refused"),
  /** The issuer's key set has no key with this kid. */
  KEY_UNKNOWN("federation_key_unknown"),
  /** The key cannot verify this alg (type, curve, size, use, or its own alg differs). */
  KEY_UNFIT("federation_key_unfit"),
  /** The signature does not verify with the issuer's key. */
  BAD_SIGNATURE("federation_bad_signature"),
  /** The aud does not contain the policy's audience. */
  AUDIENCE_MISMATCH("federation_audience_mismatch"),
  /** No exp. */
  EXPIRATION_MISSING("federation_exp_missing"),
  /** exp is past (beyond the clock skew). */
  EXPIRED("federation_expired"),
  /** No iat: the token's age cannot be judged. */
  ISSUED_AT_MISSING("federation_iat_missing"),
  /** iat is in the future beyond the clock skew. */
  ISSUED_IN_FUTURE("federation_issued_in_future"),
  /** nbf is in the future beyond the clock skew. */
  NOT_YET_VALID("federation_not_yet_valid"),
  /** iat is older than the policy's max_token_age_seconds. */
  TOO_OLD("federation_too_old"),
  /** No sub. */
  SUBJECT_MISSING("federation_sub_missing"),
  /** sub does not match the policy's subject. */
  SUBJECT_MISMATCH("federation_subject_mismatch"),
  /** A claim the policy names is absent or does not match. */
  CLAIM_MISMATCH("federation_claim_mismatch"),
  /** A single-use policy's token whose jti was exchanged before. */
  REPLAYED("federation_replayed");

  private final String logName;

  FederationReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
