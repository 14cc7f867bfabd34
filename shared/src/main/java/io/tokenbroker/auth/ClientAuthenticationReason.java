package io.tokenbroker.auth;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why client authentication fails, by IAM identity or by {@code private_key_jwt} assertion ({@link
 * IamAuthenticator}, {@link ClientAssertionVerifier}). All are {@code invalid_client} (401); the
 * log says which. The caller's {@code error_description} names the broken rule only where that
 * tells nothing about which clients or keys exist: a rule of the request itself, checked before any
 * lookup, or one checked after the signature, when the caller has proved it holds the client's key
 * (common libraries default to one-hour assertions or address them to the endpoint they call, and a
 * bare {@code invalid_client} left their users guessing). Unknown or disabled clients, keys and
 * signatures, and IAM bindings stay {@code client authentication failed}.
 */
public enum ClientAuthenticationReason implements RejectionReason {
  IAM_IDENTITY_MISSING("iam_identity_missing", null),
  IAM_CALLER_NOT_A_ROLE("iam_caller_not_a_role", null),
  IAM_ROLE_NOT_BOUND("iam_role_not_bound", null),
  CLIENT_AUTHENTICATION_MISSING(
      "client_authentication_missing",
      "no client authentication: send a client_assertion (private_key_jwt), a client_id over"
          + " mutual TLS (tls_client_auth), or call the /iam route signed with SigV4"),
  /** A client that registered no certificate way in (RFC 8705 2) called with one. */
  CERTIFICATE_AUTH_NOT_REGISTERED("certificate_auth_not_registered", null),
  /** tls_client_auth: the certificate does not carry the client's registered name. */
  CERTIFICATE_SUBJECT_MISMATCH("certificate_subject_mismatch", null),
  /** self_signed_tls_client_auth: the certificate is none of the client's registered ones. */
  CERTIFICATE_NOT_REGISTERED("certificate_not_registered", null),
  /**
   * tls_client_auth: the certificate is self-issued or not signed by one of the CAs configured to
   * vouch for registered names (RFC 8705 7.4: a self-signed client's certificate in the truststore
   * is a trust anchor too, and may carry any subject).
   */
  CERTIFICATE_ISSUER_NOT_TRUSTED("certificate_issuer_not_trusted", null),
  /** self_signed_tls_client_auth: the certificate is a CA or may sign certificates. */
  SELF_SIGNED_CERTIFICATE_CAN_SIGN("self_signed_certificate_can_sign", null),
  UNSUPPORTED_ASSERTION_TYPE(
      "unsupported_assertion_type",
      "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
  ASSERTION_TOO_LARGE("assertion_too_large", "client_assertion is too large"),
  ASSERTION_TOO_DEEP("assertion_too_deep", "client_assertion JSON is nested too deeply"),
  ASSERTION_MALFORMED(
      "assertion_malformed", "client_assertion is not a signed JWT in compact serialization"),
  ASSERTION_ENCRYPTED("assertion_encrypted", "client_assertion must be signed, not encrypted"),
  ASSERTION_UNSIGNED("assertion_unsigned", "client_assertion must be signed"),
  ASSERTION_ALGORITHM_NOT_ALLOWED(
      "assertion_algorithm_not_allowed",
      "client_assertion alg must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384,"
          + " ES512"),
  ASSERTION_IS_AN_ACCESS_TOKEN(
      "assertion_is_an_access_token",
      "client_assertion is an access token (typ at+jwt), not a client assertion"),
  CLIENT_ID_MISMATCH("client_id_mismatch", "client_id differs from the client_assertion's iss"),
  ASSERTION_REPLAYED(
      "assertion_replayed",
      "client_assertion was used already: make a new one, with a new jti, for every request"),
  ASSERTION_ISSUER_SUBJECT_MISMATCH(
      "assertion_issuer_subject_mismatch",
      "client_assertion iss and sub must both be the client_id"),
  CLIENT_ID_MALFORMED("client_id_malformed", null),
  UNKNOWN_CLIENT("unknown_client", null),
  CLIENT_DISABLED("client_disabled", null),
  /**
   * A decoy client (registered {@code "decoy": true}, used by no workload): refused as an unknown
   * client is, and an alert ({@link DecoyClientPresented} carries the client).
   */
  DECOY_CLIENT("decoy_client", null),
  ASSERTION_NO_MATCHING_KEY("assertion_no_matching_key", null),
  ASSERTION_KEY_UNKNOWN("assertion_key_unknown", null),
  ASSERTION_ALG_DOES_NOT_MATCH_KEY("assertion_alg_does_not_match_key", null),
  ASSERTION_BAD_SIGNATURE("assertion_bad_signature", null),
  ASSERTION_AUDIENCE_NOT_A_SINGLE_STRING(
      "assertion_audience_not_a_single_string",
      "client_assertion aud must be one string, not an array"),
  ASSERTION_WRONG_AUDIENCE(
      "assertion_wrong_audience",
      "client_assertion aud must be the token endpoint URL or the issuer"),
  ASSERTION_MISSING_EXP("assertion_missing_exp", "client_assertion exp is required"),
  ASSERTION_EXPIRED("assertion_expired", "client_assertion has expired"),
  ASSERTION_LIFETIME_TOO_LONG(
      "assertion_lifetime_too_long", "client_assertion lives longer than the broker accepts"),
  ASSERTION_NOT_YET_VALID("assertion_not_yet_valid", "client_assertion nbf is in the future"),
  ASSERTION_ISSUED_IN_FUTURE(
      "assertion_issued_in_future", "client_assertion iat is in the future: check the clock"),
  ASSERTION_MISSING_JTI(
      "assertion_missing_jti",
      "client_assertion jti is required (1-256 characters, new for every assertion)");

  /** What every undisclosed failure says. */
  public static final String UNDISCLOSED = "client authentication failed";

  private final String logName;
  private final String description;

  /**
   * @param description what the caller is told, or null to tell only {@link #UNDISCLOSED}
   */
  ClientAuthenticationReason(String logName, String description) {
    this.logName = logName;
    this.description = description;
  }

  /** The {@code error_description} for this failure. */
  public String description() {
    return description != null ? description : UNDISCLOSED;
  }

  /** Whether the caller is told the rule it broke. */
  public boolean disclosed() {
    return description != null;
  }

  @Override
  public String logName() {
    return logName;
  }
}
