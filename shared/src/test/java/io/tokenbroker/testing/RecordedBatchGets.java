package io.tokenbroker.testing;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * A DynamoDB client that records the keys ({@code pk}) each BatchGetItem asks for, as sent: what
 * DynamoDB charges one read unit each (strongly consistent, item up to 4 KB, found or not).
 */
public final class RecordedBatchGets implements ExecutionInterceptor {

  private volatile Set<String> lastKeys = Set.of();

  private RecordedBatchGets() {}

  /** A client for {@code aws} whose BatchGetItem keys are recorded. */
  public static Client dynamoDb(LocalAws aws) {
    RecordedBatchGets interceptor = new RecordedBatchGets();
    AwsSettings settings = AwsSettings.from(Env.of(aws.environment()), ClientTimeouts.background());
    var builder =
        DynamoDbClient.builder()
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
    settings.endpoint().ifPresent(builder::endpointOverride);
    return new Client(builder.build(), interceptor);
  }

  /** The client, and what its BatchGetItem calls asked for. */
  public record Client(DynamoDbClient dynamoDb, RecordedBatchGets interceptor) {
    /** The keys of the last BatchGetItem call, all tables together. */
    public Set<String> lastKeys() {
      return interceptor.lastKeys;
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchGetItemRequest request) {
      Set<String> keys = new LinkedHashSet<>();
      for (KeysAndAttributes table : request.requestItems().values()) {
        for (Map<String, AttributeValue> key : table.keys()) {
          keys.add(key.get("pk").s());
        }
      }
      lastKeys = Set.copyOf(keys);
    }
  }
}
