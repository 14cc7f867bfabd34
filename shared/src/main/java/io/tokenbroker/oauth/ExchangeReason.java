package io.tokenbroker.oauth;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why a token exchange (RFC 8693) is refused, beyond its parameters' syntax and the grant. A
 * subject or actor token that fails verification is refused with the verifier's own reason ({@link
 * io.tokenbroker.verify.AccessTokenReason}), so the log says exactly why.
 */
public enum ExchangeReason implements RejectionReason {
  /** The subject or actor token is not a compact JWS with a JSON payload naming its issuer. */
  TOKEN_NOT_A_JWT("exchange_token_not_a_jwt"),
  /** A federated exchange (no client credential) that names no client_id. */
  CLIENT_ID_REQUIRED("exchange_client_id_required"),
  /** Down-scoping or delegation is not available for this request (see the description). */
  NOT_SUPPORTED("exchange_not_supported"),
  /** Down-scoping without a client credential: only the subject token's client may down-scope. */
  CLIENT_AUTHENTICATION_REQUIRED("exchange_client_authentication_required"),
  /** Down-scoping of a token of another client than the authenticated caller. */
  SUBJECT_TOKEN_OF_ANOTHER_CLIENT("exchange_subject_token_of_another_client"),
  /** The subject token's client is unknown or disabled now. */
  SUBJECT_CLIENT_UNKNOWN("exchange_subject_client_unknown"),
  /** A broker actor token whose client is not the authenticated caller. */
  ACTOR_TOKEN_OF_ANOTHER_CLIENT("exchange_actor_token_of_another_client"),
  /** An outside actor token authenticated another client than the request's credential. */
  ACTOR_CLIENT_MISMATCH("exchange_actor_client_mismatch"),
  /**
   * The subject token's client, or its lineage's first client (the subject's original owner), does
   * not list the actor's client in may_act.
   */
  ACTOR_NOT_ALLOWED("exchange_actor_not_allowed"),
  /** The new act chain would be deeper than a client in the chain allows. */
  DELEGATION_TOO_DEEP("exchange_delegation_too_deep"),
  /** The new token would descend from more tokens than a lineage holds. */
  LINEAGE_TOO_LONG("exchange_lineage_too_long"),
  /** A sender-constrained subject or actor token without proof of the same key or certificate. */
  BINDING_NOT_PROVEN("exchange_binding_not_proven"),
  /** Down-scoping to more than one audience: a down-scoped token names one. */
  ONE_AUDIENCE("exchange_one_audience"),
  /** The subject token expires within the second: nothing is left to exchange. */
  SUBJECT_TOKEN_EXPIRING("exchange_subject_token_expiring"),
  /** A broker subject or actor token declared neither an access token nor a JWT (an ID token). */
  TOKEN_TYPE_NOT_ACCEPTED("exchange_token_type_not_accepted"),
  /** A broker actor token that is itself delegated (has {@code act}): its chain would be lost. */
  ACTOR_TOKEN_DELEGATED("exchange_actor_token_delegated");

  private final String logName;

  ExchangeReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
