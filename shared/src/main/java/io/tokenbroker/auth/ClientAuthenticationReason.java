package io.tokenbroker.auth;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why client authentication fails, by IAM identity or by {@code private_key_jwt} assertion ({@link
 * IamAuthenticator}, {@link ClientAssertionVerifier}). All are {@code invalid_client} (401): the
 * caller learns only that it failed, the log says which of these.
 */
public enum ClientAuthenticationReason implements RejectionReason {
  IAM_IDENTITY_MISSING("iam_identity_missing"),
  IAM_CALLER_NOT_A_ROLE("iam_caller_not_a_role"),
  IAM_ROLE_NOT_BOUND("iam_role_not_bound"),
  CLIENT_AUTHENTICATION_MISSING("client_authentication_missing"),
  UNSUPPORTED_ASSERTION_TYPE("unsupported_assertion_type"),
  ASSERTION_TOO_LARGE("assertion_too_large"),
  ASSERTION_TOO_DEEP("assertion_too_deep"),
  ASSERTION_MALFORMED("assertion_malformed"),
  ASSERTION_ENCRYPTED("assertion_encrypted"),
  ASSERTION_UNSIGNED("assertion_unsigned"),
  ASSERTION_ALGORITHM_NOT_ALLOWED("assertion_algorithm_not_allowed"),
  ASSERTION_IS_AN_ACCESS_TOKEN("assertion_is_an_access_token"),
  CLIENT_ID_MISMATCH("client_id_mismatch"),
  ASSERTION_REPLAYED("assertion_replayed"),
  ASSERTION_ISSUER_SUBJECT_MISMATCH("assertion_issuer_subject_mismatch"),
  CLIENT_ID_MALFORMED("client_id_malformed"),
  UNKNOWN_CLIENT("unknown_client"),
  CLIENT_DISABLED("client_disabled"),
  ASSERTION_NO_MATCHING_KEY("assertion_no_matching_key"),
  ASSERTION_KEY_UNKNOWN("assertion_key_unknown"),
  ASSERTION_ALG_DOES_NOT_MATCH_KEY("assertion_alg_does_not_match_key"),
  ASSERTION_BAD_SIGNATURE("assertion_bad_signature"),
  ASSERTION_AUDIENCE_NOT_A_SINGLE_STRING("assertion_audience_not_a_single_string"),
  ASSERTION_WRONG_AUDIENCE("assertion_wrong_audience"),
  ASSERTION_MISSING_EXP("assertion_missing_exp"),
  ASSERTION_EXPIRED("assertion_expired"),
  ASSERTION_LIFETIME_TOO_LONG("assertion_lifetime_too_long"),
  ASSERTION_NOT_YET_VALID("assertion_not_yet_valid"),
  ASSERTION_ISSUED_IN_FUTURE("assertion_issued_in_future"),
  ASSERTION_MISSING_JTI("assertion_missing_jti");

  private final String logName;

  ClientAuthenticationReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
