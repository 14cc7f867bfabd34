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
  /** A sender-constrained token ({@code cnf}) without the proof of possession it is bound to. */
  BOUND_TOKEN_NOT_PROVEN("bound_token_not_proven");

  private final String logName;

  AuthorizerReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
