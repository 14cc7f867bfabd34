package io.tokenbroker.testing;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB client, configured as the request path's (three attempts), whose first attempt of each
 * call to the named operations reaches the server and is written, but whose answer is lost: what an
 * attempt timeout does when the store is slow. The SDK then retries the same request, as it does in
 * production.
 */
public final class LostResponses implements ExecutionInterceptor {

  private static final ExecutionAttribute<Boolean> LOST = new ExecutionAttribute<>("lost-response");

  private final Set<String> operations;
  private final AtomicInteger lost = new AtomicInteger();

  private LostResponses(Set<String> operations) {
    this.operations = Set.copyOf(operations);
  }

  /** A client whose first answer to each call of {@code operations} (e.g. "PutItem") is lost. */
  public static Client dynamoDb(LocalAws aws, String... operations) {
    LostResponses interceptor = new LostResponses(Set.of(operations));
    AwsSettings settings =
        AwsSettings.from(Env.of(aws.environment()), ClientTimeouts.requestPath());
    var builder =
        DynamoDbClient.builder()
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                            DefaultRetryStrategy.standardStrategyBuilder()
                                .maxAttempts(settings.timeouts().maxAttempts())
                                .build())
                        .addExecutionInterceptor(interceptor));
    settings.endpoint().ifPresent(builder::endpointOverride);
    return new Client(builder.build(), interceptor);
  }

  /** The client, and how many answers it lost. */
  public record Client(DynamoDbClient dynamoDb, LostResponses interceptor) {
    public int lost() {
      return interceptor.lost.get();
    }
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (operations.contains(operation) && attributes.getAttribute(LOST) == null) {
      attributes.putAttribute(LOST, true);
      lost.incrementAndGet();
      throw SdkClientException.create(
          "answer lost after the request was served", new IOException("read timed out"));
    }
  }
}
