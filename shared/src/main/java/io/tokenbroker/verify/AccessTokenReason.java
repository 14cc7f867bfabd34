package io.tokenbroker.verify;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why {@link AccessTokenVerifier} refuses an access token once it is a compact JWS (the shape
 * itself: {@link io.tokenbroker.jose.JwsReason}): header, signature, claims, and the revocations
 * {@link RevocationStatus} reports. All are {@code invalid_token}.
 */
public enum AccessTokenReason implements RejectionReason {
  UNKNOWN_KID("unknown_kid"),
  ALG_DOES_NOT_MATCH_KEY("alg_does_not_match_key"),
  BAD_SIGNATURE("bad_signature"),
  HEADER_NOT_JSON_OBJECT("header_not_json_object"),
  EMBEDDED_KEY_NOT_TRUSTED("embedded_key_not_trusted"),
  CRIT_NOT_UNDERSTOOD("crit_not_understood"),
  JWE_NOT_ACCEPTED("jwe_not_accepted"),
  NESTED_JWT_NOT_ACCEPTED("nested_jwt_not_accepted"),
  UNEXPECTED_HEADER_PARAMETER("unexpected_header_parameter"),
  ALG_MISSING("alg_missing"),
  ALG_NOT_ALLOWED("alg_not_allowed"),
  TYP_NOT_AT_JWT("typ_not_at_jwt"),
  KID_MISSING("kid_missing"),
  KID_MALFORMED("kid_malformed"),
  PAYLOAD_NOT_JSON_OBJECT("payload_not_json_object"),
  JSON_TOO_DEEP("json_too_deep"),
  CLAIM_WRONG_TYPE("claim_wrong_type"),
  CLAIM_OUT_OF_RANGE("claim_out_of_range"),
  ISSUER_MISMATCH("issuer_mismatch"),
  AUDIENCE_MALFORMED("audience_malformed"),
  AUDIENCE_MISMATCH("audience_mismatch"),
  EXP_MISSING("exp_missing"),
  IAT_MISSING("iat_missing"),
  EXPIRED("expired"),
  IAT_IN_FUTURE("iat_in_future"),
  NOT_YET_VALID("not_yet_valid"),
  LIFETIME_OUT_OF_BOUNDS("lifetime_out_of_bounds"),
  JTI_MISSING("jti_missing"),
  JTI_MALFORMED("jti_malformed"),
  SUB_MISSING("sub_missing"),
  SUB_MALFORMED("sub_malformed"),
  CLIENT_ID_MISSING("client_id_missing"),
  CLIENT_ID_MALFORMED("client_id_malformed"),
  SID_MISSING("sid_missing"),
  SID_MALFORMED("sid_malformed"),
  SCOPE_MALFORMED("scope_malformed"),
  CNF_MALFORMED("cnf_malformed"),
  /** {@code act} (RFC 8693 4.1) not in the form the broker mints, or nested too deep. */
  ACT_MALFORMED("act_malformed"),
  /**
   * {@code lineage} not an array of at most six {jti, client_id, iat, kid, sid?} objects the broker
   * mints.
   */
  LINEAGE_MALFORMED("lineage_malformed"),
  /** A token bound to a client certificate (RFC 8705), on a request without one. */
  CLIENT_CERTIFICATE_MISSING("client_certificate_missing"),
  /** A token bound to another client certificate than the request's. */
  CLIENT_CERTIFICATE_MISMATCH("client_certificate_mismatch"),
  /** The request's client certificate (API Gateway's PEM) is no single X.509 certificate. */
  CLIENT_CERTIFICATE_MALFORMED("client_certificate_malformed"),
  TOKEN_REVOKED("token_revoked"),
  SIGNING_KEY_REVOKED("signing_key_revoked"),
  REFRESH_FAMILY_REVOKED("refresh_family_revoked"),
  CLIENT_TOKENS_REVOKED("client_tokens_revoked"),
  /**
   * A token this one was exchanged from ({@code lineage}) is revoked (its jti, refresh family or
   * signing key): it goes with its parent.
   */
  ANCESTOR_REVOKED("ancestor_revoked"),
  /**
   * The client of a token this one was exchanged from revoked its tokens issued before a watermark
   * later than that token's own iat.
   */
  ANCESTOR_CLIENT_TOKENS_REVOKED("ancestor_client_tokens_revoked"),
  /**
   * The token, or its refresh family, is a honeytoken: a decoy minted for no workload. Refused like
   * any revoked token; its use is an alert.
   */
  HONEYTOKEN_USED("honeytoken_used");

  private final String logName;

  AccessTokenReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }

  /** {@code <claim>_missing}: a required identifier claim is absent, empty or not a string. */
  static AccessTokenReason missing(String claim) {
    return switch (claim) {
      case "jti" -> JTI_MISSING;
      case "sub" -> SUB_MISSING;
      case "client_id" -> CLIENT_ID_MISSING;
      case "sid" -> SID_MISSING;
      default -> throw new IllegalArgumentException("no reason for claim " + claim);
    };
  }

  /** {@code <claim>_malformed}: an identifier claim in no form the broker mints. */
  static AccessTokenReason malformed(String claim) {
    return switch (claim) {
      case "jti" -> JTI_MALFORMED;
      case "sub" -> SUB_MALFORMED;
      case "client_id" -> CLIENT_ID_MALFORMED;
      case "sid" -> SID_MALFORMED;
      default -> throw new IllegalArgumentException("no reason for claim " + claim);
    };
  }
}
