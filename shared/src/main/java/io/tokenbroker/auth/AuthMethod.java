package io.tokenbroker.auth;

/** How a client proved who it is. */
public enum AuthMethod {
  /** A SigV4 signature verified by API Gateway (AWS_IAM route), mapped from the caller's role. */
  AWS_IAM("aws_iam"),
  /** An RFC 7523 client assertion signed with a key registered for the client. */
  PRIVATE_KEY_JWT("private_key_jwt"),
  /**
   * RFC 8705 2.1: a certificate the truststore validated, carrying the client's registered name.
   */
  TLS_CLIENT_AUTH("tls_client_auth"),
  /** RFC 8705 2.2: a certificate whose key (or which itself) the client registered. */
  SELF_SIGNED_TLS_CLIENT_AUTH("self_signed_tls_client_auth"),
  /**
   * Federation (RFC 8693): an outside token (GitHub Actions, GitLab CI, Kubernetes) verified under
   * one of the client's trust policies.
   */
  FEDERATED("federated"),
  /**
   * No client authenticated: an operator minted a honeytoken (a decoy for a decoy client); its
   * issuance record says so, and names the operator as the caller.
   */
  HONEYTOKEN("honeytoken");

  private final String value;

  AuthMethod(String value) {
    this.value = value;
  }

  /** The name used in records, logs and metadata. */
  public String value() {
    return value;
  }
}
