package io.tokenbroker.oauth;

import io.tokenbroker.errors.RejectionReason;

/** Why an operator's honeytoken mint is refused ({@link HoneytokenMinter}); nothing is written. */
public enum HoneytokenReason implements RejectionReason {
  /** No client is registered under the id. */
  HONEYTOKEN_CLIENT_UNKNOWN("honeytoken_client_unknown"),
  /** The client is no decoy: a honeytoken for a real workload's client would be its token. */
  HONEYTOKEN_CLIENT_NOT_DECOY("honeytoken_client_not_decoy"),
  /** The kind is neither access nor refresh. */
  HONEYTOKEN_KIND_UNKNOWN("honeytoken_kind_unknown"),
  /** The refresh decoy's lifetime is not a whole number of days within the cap. */
  HONEYTOKEN_LIFETIME_OUT_OF_RANGE("honeytoken_lifetime_out_of_range");

  private final String logName;

  HoneytokenReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
