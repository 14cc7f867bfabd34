package io.tokenbroker.tokens;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why a token request is refused before or instead of minting: its parameters ({@link
 * TokenRequest}), what the client's policy grants ({@link Grant}), and a token that would be too
 * large to sign ({@link AccessTokenMinter}).
 */
public enum TokenRequestReason implements RejectionReason {
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
  MISSING_PARAMETER("missing_parameter"),
  MALFORMED_SCOPE("malformed_scope"),
  MALFORMED_EXPIRES_IN("malformed_expires_in"),
  TOO_MANY_AUDIENCES("too_many_audiences"),
  SCOPE_REQUIRED("scope_required"),
  SCOPE_NOT_ALLOWED("scope_not_allowed"),
  AUDIENCE_REQUIRED("audience_required"),
  AUDIENCE_NOT_ALLOWED("audience_not_allowed"),
  TOKEN_TOO_LARGE("token_too_large"),
  /** A client whose tokens are certificate-bound (RFC 8705 3.4) asked without mutual TLS. */
  CLIENT_CERTIFICATE_REQUIRED("client_certificate_required"),
  TWO_BINDINGS("two_bindings"),
  /** RFC 8693: a token type the broker does not accept or issue. */
  UNSUPPORTED_TOKEN_TYPE("unsupported_token_type"),
  /** RFC 8693: a subject or actor token parameter empty or too long to be one. */
  MALFORMED_TOKEN_PARAMETER("malformed_token_parameter"),
  /**
   * RFC 8693: the token exchanged from expired (its exp - 1 s passed) between the exchange's checks
   * and minting; a child never outlives its parent.
   */
  EXCHANGED_TOKEN_EXPIRED("exchanged_token_expired");

  private final String logName;

  TokenRequestReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
