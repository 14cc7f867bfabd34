package io.tokenbroker.errors;

/**
 * Root of the broker's two kinds of failure: a {@link RequestRejected} (the caller's input or
 * credentials are not acceptable: 4xx, or Deny at the authorizer) and a {@link ServiceFailure} (a
 * dependency failed: 5xx, retryable or not). Handlers map each to a response; nothing else escapes.
 */
public abstract sealed class BrokerException extends RuntimeException
    permits RequestRejected, ServiceFailure {

  BrokerException(String message, Throwable cause, boolean withStackTrace) {
    super(message, cause, false, withStackTrace);
  }
}
