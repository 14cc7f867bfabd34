package io.tokenbroker.oauth;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why {@link RefreshService} refuses a refresh_token grant: {@code invalid_grant} for the token
 * itself, {@code invalid_scope} / {@code invalid_target} for a request beyond the original grant. A
 * family revoked in the revocations table is refused with the {@link
 * io.tokenbroker.verify.RevocationStatus#reasonFor} reason instead.
 */
public enum RefreshReason implements RejectionReason {
  REFRESH_TOKEN_MALFORMED("refresh_token_malformed"),
  REFRESH_TOKEN_UNKNOWN("refresh_token_unknown"),
  REFRESH_TOKEN_OTHER_CLIENT("refresh_token_other_client"),
  REFRESH_TOKEN_REUSED("refresh_token_reused"),
  REFRESH_TOKEN_EXPIRED("refresh_token_expired"),
  REFRESH_NOT_ALLOWED("refresh_not_allowed"),
  SCOPE_NOT_ALLOWED("scope_not_allowed"),
  AUDIENCE_NOT_ALLOWED("audience_not_allowed");

  private final String logName;

  RefreshReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
