package io.tokenbroker.errors;

/** OAuth error codes (RFC 6749 5.2, RFC 7009, RFC 8707) with the HTTP status each is sent with. */
public enum OAuthError {
  INVALID_REQUEST("invalid_request", 400),
  INVALID_CLIENT("invalid_client", 401),
  INVALID_GRANT("invalid_grant", 400),
  UNAUTHORIZED_CLIENT("unauthorized_client", 400),
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
  INVALID_SCOPE("invalid_scope", 400),
  INVALID_TARGET("invalid_target", 400),
  UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", 400),
  /** RFC 6750: the access token is missing, malformed, expired, revoked or otherwise invalid. */
  INVALID_TOKEN("invalid_token", 401),
  /** RFC 6750: the access token is valid but lacks the scope the resource needs. */
  INSUFFICIENT_SCOPE("insufficient_scope", 403),
  /** RFC 9449 5 and 7.1: the DPoP proof is missing where required, malformed or invalid. */
  INVALID_DPOP_PROOF("invalid_dpop_proof", 400),
  /** RFC 9449 8: the server requires a nonce in the proof; the answer carries DPoP-Nonce. */
  USE_DPOP_NONCE("use_dpop_nonce", 400),
  /** Not an OAuth code: the route exists but the caller may not use it (403). */
  ACCESS_DENIED("access_denied", 403),
  /** Not an OAuth code: no such resource (404). */
  NOT_FOUND("not_found", 404);

  private final String code;
  private final int status;

  OAuthError(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /** The value of the {@code error} member. */
  public String code() {
    return code;
  }

  /** The HTTP status this error is normally sent with. */
  public int status() {
    return status;
  }
}
