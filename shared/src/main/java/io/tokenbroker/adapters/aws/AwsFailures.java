package io.tokenbroker.adapters.aws;

import io.tokenbroker.errors.ServiceFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK exceptions into {@link ServiceFailure}s. Throttling, timeouts, connection failures and
 * 5xx are retryable; other 4xx answers are configuration problems and are not. The message keeps
 * the operation and AWS error code but drops AWS's own message, which can name ARNs.
 */
public final class AwsFailures {

  private AwsFailures() {}

  public static ServiceFailure of(String dependency, String operation, SdkException e) {
    return switch (e) {
      case AwsServiceException service ->
          new ServiceFailure(
              dependency,
              operation + " failed: " + errorCode(service) + " (HTTP " + service.statusCode() + ")",
              service.isThrottlingException() || service.statusCode() >= 500,
              e);
      case SdkClientException client ->
          new ServiceFailure(
              dependency, operation + " failed: " + client.getClass().getSimpleName(), true, e);
      default -> new ServiceFailure(dependency, operation + " failed", e.retryable(), e);
    };
  }

  /** AWS's error code (e.g. ConditionalCheckFailedException), or "unknown". */
  public static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? "unknown"
        : e.awsErrorDetails().errorCode();
  }
}
