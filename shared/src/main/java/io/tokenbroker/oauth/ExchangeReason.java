package io.tokenbroker.oauth;

import io.tokenbroker.errors.RejectionReason;

/** Why a token exchange (RFC 8693) is refused, beyond its parameters' syntax and the grant. */
public enum ExchangeReason implements RejectionReason {
  /** The subject or actor token is not a compact JWS with a JSON payload naming its issuer. */
  TOKEN_NOT_A_JWT("exchange_token_not_a_jwt"),
  /** A federated exchange (no client credential) that names no client_id. */
  CLIENT_ID_REQUIRED("exchange_client_id_required"),
  /** Down-scoping or delegation is not available for this request (see the description). */
  NOT_SUPPORTED("exchange_not_supported");

  private final String logName;

  ExchangeReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
