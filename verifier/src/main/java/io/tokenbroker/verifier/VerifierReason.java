package io.tokenbroker.verifier;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why {@link TokenVerifier} refuses a request before or after the token's own checks (those are
 * {@link io.tokenbroker.verify.AccessTokenReason} and {@link io.tokenbroker.jose.JwsReason}).
 */
public enum VerifierReason implements RejectionReason {
  /** No Authorization header, a blank one, or another scheme than Bearer (401, no error code). */
  TOKEN_MISSING("token_missing"),
  /**
   * A sender-constrained token ({@code cnf}: DPoP or mTLS) presented as a bearer token, without the
   * proof of possession this verifier does not check (401): a stolen bound token stays useless.
   */
  BOUND_TOKEN_NOT_PROVEN("bound_token_not_proven"),
  /**
   * The DPoP scheme with a token not bound by {@code cnf.jkt}, or a DPoP-bound token where this
   * verifier was not built to check proofs ({@link TokenVerifier.Builder#dpop}) (401).
   */
  DPOP_TOKEN_NOT_BOUND("dpop_token_not_bound"),
  /** A Bearer credential that is not one token (empty, several parts, repeated headers) (401). */
  AUTHORIZATION_MALFORMED("authorization_malformed"),
  /** A path with {@code .} or {@code ..} segments, or not starting with {@code /} (400). */
  PATH_NOT_NORMALIZED("path_not_normalized"),
  /** A valid token, but no route rule matches the method and path (403, fail closed). */
  NO_MATCHING_ROUTE("no_matching_route"),
  /** A valid token without the scopes any matching route rule needs (403). */
  INSUFFICIENT_SCOPE("insufficient_scope"),
  /** A token with a matching rule's scopes, not delegated, where the rule requires delegation. */
  DELEGATION_REQUIRED("delegation_required"),
  /** A delegated token (with {@code act}) with a matching rule's scopes, where it forbids one. */
  DELEGATION_FORBIDDEN("delegation_forbidden"),
  /** The broker's introspection endpoint says the token is no longer active (revoked) (401). */
  TOKEN_INACTIVE("token_inactive"),
  /** Not a rejection: the broker's introspection endpoint could not be asked (503/500). */
  INTROSPECTION_UNAVAILABLE("introspection_unavailable"),
  /** Not a rejection: the broker's keys could not be read and none usable are held (503/500). */
  KEYS_UNAVAILABLE("keys_unavailable"),
  /** Not a rejection: the DPoP replay store (or nonce key) could not be used (503/500). */
  DPOP_REPLAY_UNAVAILABLE("dpop_replay_unavailable"),
  /** Not a rejection: the verifier failed unexpectedly (500); nobody is let through. */
  VERIFIER_FAILED("verifier_failed");

  private final String logName;

  VerifierReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
