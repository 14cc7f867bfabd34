package io.tokenbroker.client;

import java.util.Optional;

/**
 * The broker refused the token request with an OAuth error (RFC 6749 5.2), e.g. {@code
 * invalid_client} (authentication failed: its description names the broken assertion rule where the
 * broker discloses it), {@code invalid_scope}, {@code invalid_target}, {@code invalid_grant}.
 */
public final class TokenRequestRejected extends TokenBrokerException {

  private final int status;
  private final String error;
  private final Optional<String> errorDescription;

  TokenRequestRejected(int status, String error, Optional<String> errorDescription) {
    this(status, error, errorDescription, null);
  }

  private TokenRequestRejected(
      int status, String error, Optional<String> errorDescription, Throwable cause) {
    super(
        "token request rejected: "
            + status
            + " "
            + error
            + errorDescription.map(d -> ": " + d).orElse(""),
        cause);
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }

  /** The same refusal, for another thread to throw, with this one as its cause. */
  TokenRequestRejected again() {
    return new TokenRequestRejected(status, error, errorDescription, this);
  }

  /** The HTTP status (400, 401, 403, ...). */
  public int status() {
    return status;
  }

  /** The OAuth {@code error} code, e.g. {@code invalid_client}. */
  public String error() {
    return error;
  }

  /** The broker's {@code error_description}, if it sent one. */
  public Optional<String> errorDescription() {
    return errorDescription;
  }
}
