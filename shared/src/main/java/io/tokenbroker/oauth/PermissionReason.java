package io.tokenbroker.oauth;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why an authenticated client may not do what it asked: introspect ({@link IntrospectionService},
 * {@code access_denied}) or revoke another client's token ({@link RevocationService}, {@code
 * unauthorized_client}).
 */
public enum PermissionReason implements RejectionReason {
  INTROSPECTION_NOT_ALLOWED("introspection_not_allowed"),
  TOKEN_OF_OTHER_CLIENT("token_of_other_client");

  private final String logName;

  PermissionReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
