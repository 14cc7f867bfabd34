package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.errors.ServiceFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Who the operator is, as AWS sees the credentials brokerctl uses: STS GetCallerIdentity, which
 * needs no IAM permission and cannot be denied by one. The ARN goes into the audit trail only.
 */
final class CallerIdentity {

  private CallerIdentity() {}

  /**
   * The caller's ARN.
   *
   * @throws ServiceFailure if STS cannot say (no credentials, no network): the caller must then do
   *     nothing, since its action could not be recorded under a name
   */
  static String arn(AwsSettings aws) {
    var builder =
        StsClient.builder()
            .region(aws.region())
            .credentialsProvider(aws.credentials())
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(aws.timeouts().attemptTimeout())
                    .socketTimeout(aws.timeouts().attemptTimeout())
                    .build());
    aws.endpoint().ifPresent(builder::endpointOverride);
    try (StsClient sts = builder.build()) {
      return sts.getCallerIdentity().arn();
    } catch (SdkException e) {
      ServiceFailure failure = AwsFailures.of("sts", "GetCallerIdentity", e);
      throw new ServiceFailure(
          "sts",
          "could not tell who you are for the audit trail, so nothing was done ("
              + failure.getMessage()
              + ")",
          failure.retryable(),
          e);
    }
  }
}
