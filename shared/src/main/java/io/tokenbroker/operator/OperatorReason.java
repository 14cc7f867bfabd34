package io.tokenbroker.operator;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why an operator request is refused: a caller that is not an operator ({@link OperatorPrincipals},
 * {@code access_denied}), or a revocation target no token can carry or that only the compromise
 * procedure may revoke ({@link OperatorRevocations}, the admin route; {@code invalid_request}).
 */
public enum OperatorReason implements RejectionReason {
  IAM_IDENTITY_MISSING("iam_identity_missing"),
  CALLER_NOT_A_ROLE("caller_not_a_role"),
  NO_OPERATORS_CONFIGURED("no_operators_configured"),
  CALLER_NOT_AN_OPERATOR("caller_not_an_operator"),
  JTI_MALFORMED("jti_malformed"),
  CLIENT_ID_MALFORMED("client_id_malformed"),
  KID_MALFORMED("kid_malformed"),
  KEY_ACTIVE("key_active"),
  KEY_PENDING("key_pending"),
  ONE_TARGET("one_target");

  private final String logName;

  OperatorReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
