package io.tokenbroker.revocation;

/**
 * Why a revocation was recorded: the {@code reason} attribute of its record in the revocations
 * table and of the log line and metric that report it. {@link #logName()} never changes once
 * shipped (records written before a rename must still read the same).
 */
public enum RevocationReason {
  /** A client revoked its own token (RFC 7009). */
  REVOKED_BY_CLIENT("revoked_by_client"),
  /** An operator revoked it (admin route, brokerctl). */
  REVOKED_BY_OPERATOR("revoked_by_operator"),
  /** Its signing key was declared compromised. */
  KEY_COMPROMISED("key_compromised"),
  /** A spent refresh token of the family was presented again. */
  REFRESH_TOKEN_REUSED("refresh_token_reused"),
  /** Another client presented a refresh token of the family. */
  REFRESH_TOKEN_PRESENTED_BY_OTHER_CLIENT("refresh_token_presented_by_other_client"),
  /**
   * A honeytoken: recorded revoked when it is minted, so it never works, and the reason marks it
   * (on its jti and its refresh family) so that every use of it raises an alert. No later
   * revocation replaces this reason.
   */
  HONEYTOKEN("honeytoken"),
  /** A leak report (a secret scanner's, or an operator's) named the token. */
  LEAK_REPORTED("leak_reported"),
  /** The anomaly detector contained the client under its response policy. */
  CONTAINED_BY_DETECTOR("contained_by_detector");

  private final String logName;

  RevocationReason(String logName) {
    this.logName = logName;
  }

  /** The recorded and logged name, lower snake case. */
  public String logName() {
    return logName;
  }
}
