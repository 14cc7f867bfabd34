package io.tokenbroker.client;

/**
 * Why no token could be had. Its message never holds a token, a refresh token or an assertion:
 * {@link TokenRequestRejected} when the broker refused the request (a 4xx OAuth error: retrying
 * will not help), {@link TokenUnavailable} when it could not be reached or kept answering "try
 * later" until the deadline.
 */
public abstract sealed class TokenBrokerException extends RuntimeException
    permits TokenRequestRejected, TokenUnavailable {

  TokenBrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
