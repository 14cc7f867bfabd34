package io.tokenbroker.client;

/**
 * No token before the deadline: the broker could not be reached, or kept answering 429/5xx (its
 * {@code Retry-After} included), or answered something that is not a token response.
 */
public final class TokenUnavailable extends TokenBrokerException {

  TokenUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
