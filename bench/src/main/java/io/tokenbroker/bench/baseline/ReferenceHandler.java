package io.tokenbroker.bench.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cold-start baseline: one DynamoDB GetItem with AWS SDK v2 set up as AWS's Lambda guidance says
 * ("Optimizing cold start", SDK for Java 2.x developer guide): the URL-connection HTTP client,
 * region and credentials provider given explicitly, the client built once in the constructor.
 * AWS_ENDPOINT_URL points it at moto here, as it points the broker's functions.
 *
 * <p>Environment: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_ENDPOINT_URL;
 * REFERENCE_TABLE and REFERENCE_KEY (the item's {@code pk}).
 */
public final class ReferenceHandler implements RequestStreamHandler {

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final String key;

  public ReferenceHandler() {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.builder().build())
            .region(Region.of(System.getenv("AWS_REGION")))
            .credentialsProvider(EnvironmentVariableCredentialsProvider.create());
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.dynamoDb = builder.build();
    this.table = System.getenv("REFERENCE_TABLE");
    this.key = System.getenv("REFERENCE_KEY");
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(key))))
            .item();
    String value = item == null || !item.containsKey("value") ? "" : item.get("value").s();
    out.write(("{\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
