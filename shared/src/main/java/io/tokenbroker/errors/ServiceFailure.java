package io.tokenbroker.errors;

/**
 * A dependency (KMS, DynamoDB, a key source) failed or answered something unusable. {@link
 * #retryable()} says whether the same request may succeed later (throttling, timeouts, 5xx); the
 * message names the dependency and operation, never a resource ARN or a token.
 */
public sealed class ServiceFailure extends BrokerException permits SigningKeyRefused {

  private final String dependency;
  private final boolean retryable;

  public ServiceFailure(String dependency, String message, boolean retryable, Throwable cause) {
    super(dependency + ": " + message, cause, true);
    this.dependency = dependency;
    this.retryable = retryable;
  }

  public String dependency() {
    return dependency;
  }

  public boolean retryable() {
    return retryable;
  }
}
