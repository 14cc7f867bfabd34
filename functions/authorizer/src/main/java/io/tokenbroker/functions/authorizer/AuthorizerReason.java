package io.tokenbroker.functions.authorizer;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why {@link TokenAuthorizer} denies before the verifier sees a token (the verifier's own reasons:
 * {@link io.tokenbroker.verify.AccessTokenReason}, {@link io.tokenbroker.jose.JwsReason}; event
 * limits: {@link io.tokenbroker.adapters.http.HttpReason}).
 */
public enum AuthorizerReason implements RejectionReason {
  MALFORMED_EVENT("malformed_event"),
  TOKEN_MISSING("token_missing"),
  /**
   * A sender-constrained token ({@code cnf}) without the proof of possession it is bound to: under
   * the Bearer scheme (RFC 9449 7.2: a DPoP-bound token used as a bearer token is refused), or an
   * mTLS-bound one, whose certificate this authorizer does not check.
   */
  BOUND_TOKEN_NOT_PROVEN("bound_token_not_proven"),
  /**
   * The DPoP scheme with a token not bound by {@code cnf.jkt} (a bearer token): refused, since the
   * scheme claims a binding the token does not have (the stricter reading of RFC 9449 7.2).
   */
  DPOP_TOKEN_NOT_BOUND("dpop_token_not_bound"),
  /**
   * A DPoP-bound token where API Gateway may answer from its authorizer cache
   * (AUTHORIZER_RESULT_TTL_SECONDS unset or not 0): a cached Allow would need no proof.
   */
  DPOP_BEHIND_RESULT_CACHE("dpop_behind_result_cache"),
  /**
   * A certificate-bound token (RFC 8705) where API Gateway may answer from its authorizer cache,
   * keyed by the Authorization header alone: a cached Allow would skip the certificate check.
   */
  CERT_BOUND_BEHIND_RESULT_CACHE("cert_bound_behind_result_cache"),
  /** The event lacks the URL the client used (a TOKEN authorizer's event): no htu to check. */
  DPOP_URL_UNKNOWN("dpop_url_unknown");

  private final String logName;

  AuthorizerReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
