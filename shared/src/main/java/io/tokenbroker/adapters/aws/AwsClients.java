package io.tokenbroker.adapters.aws;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Builds the SDK clients the way AWS's Lambda guidance asks: the lightweight URL-connection HTTP
 * client, region and credentials given explicitly (no provider-chain discovery at init), and
 * timeouts and retries set deliberately.
 */
public final class AwsClients {

  private AwsClients() {}

  public static KmsClient kms(AwsSettings settings) {
    return build(KmsClient.builder(), settings);
  }

  public static DynamoDbClient dynamoDb(AwsSettings settings) {
    return build(DynamoDbClient.builder(), settings);
  }

  /**
   * Any other SDK client (brokerctl's STS, CloudFormation and CloudWatch Logs) built the same way:
   * region, credentials and endpoint from the settings, the URL-connection client, the timeouts and
   * retries.
   */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder, AwsSettings settings) {
    builder
        .region(settings.region())
        .credentialsProvider(settings.credentials())
        .httpClient(httpClient(settings))
        .overrideConfiguration(overrides(settings));
    if (settings.endpoint().isPresent()) {
      builder.endpointOverride(settings.endpoint().get());
    }
    return builder.build();
  }

  private static SdkHttpClient httpClient(AwsSettings settings) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(settings.timeouts().attemptTimeout())
        .socketTimeout(settings.timeouts().attemptTimeout())
        .build();
  }

  private static ClientOverrideConfiguration overrides(AwsSettings settings) {
    ClientTimeouts timeouts = settings.timeouts();
    ClientOverrideConfiguration.Builder overrides =
        ClientOverrideConfiguration.builder()
            .apiCallTimeout(timeouts.apiCallTimeout())
            .apiCallAttemptTimeout(timeouts.attemptTimeout())
            .retryStrategy(
                DefaultRetryStrategy.standardStrategyBuilder()
                    .maxAttempts(timeouts.maxAttempts())
                    .build());
    // Plain ifs rather than lambdas here and above: every cold start runs this once per client.
    if (settings.callTelemetry().isPresent()) {
      overrides.addExecutionInterceptor(new CallLatencyInterceptor(settings.callTelemetry().get()));
    }
    return overrides.build();
  }
}
