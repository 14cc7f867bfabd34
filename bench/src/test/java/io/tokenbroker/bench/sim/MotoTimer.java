package io.tokenbroker.bench.sim;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.config.Env;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * moto's time per call, one call at a time, through the SDK clients the broker builds ({@link
 * AwsClients}): on a scratch table and a scratch RSA 2048 signing key of its own, so the broker's
 * data is untouched.
 */
final class MotoTimer {

  private MotoTimer() {}

  /** Seconds per call, {@code rounds} of each, by operation name. */
  static Map<String, double[]> time(URI endpoint, int rounds) {
    AwsSettings settings =
        AwsSettings.from(
            Env.of(
                Map.of(
                    "AWS_ENDPOINT_URL", endpoint.toString(),
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "test",
                    "AWS_SECRET_ACCESS_KEY", "test")),
            ClientTimeouts.requestPath());
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(settings);
        KmsClient kms = AwsClients.kms(settings)) {
      String table = "sim-calibration-scratch";
      dynamoDb.createTable(
          b ->
              b.tableName(table)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .keySchema(
                      KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("pk")
                          .attributeType(ScalarAttributeType.S)
                          .build()));
      String keyId =
          kms.createKey(b -> b.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.SIGN_VERIFY))
              .keyMetadata()
              .keyId();
      SdkBytes digest = SdkBytes.fromByteArray(new byte[32]);
      Map<String, double[]> out = new LinkedHashMap<>();
      List<Double> get = new ArrayList<>();
      List<Double> put = new ArrayList<>();
      List<Double> sign = new ArrayList<>();
      List<Double> batch = new ArrayList<>();
      for (int i = -5; i < rounds; i++) {
        String pk = "item-" + i;
        Map<String, AttributeValue> item =
            Map.of(
                "pk", AttributeValue.fromS(pk),
                "payload", AttributeValue.fromS("x".repeat(300)));
        long t0 = System.nanoTime();
        dynamoDb.putItem(b -> b.tableName(table).item(item));
        long t1 = System.nanoTime();
        dynamoDb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))));
        long t2 = System.nanoTime();
        kms.sign(
            b ->
                b.keyId(keyId)
                    .message(digest)
                    .messageType(MessageType.DIGEST)
                    .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256));
        long t3 = System.nanoTime();
        dynamoDb.batchGetItem(
            b ->
                b.requestItems(
                    Map.of(
                        table,
                        KeysAndAttributes.builder()
                            .keys(
                                List.of(
                                    Map.of("pk", AttributeValue.fromS(pk)),
                                    Map.of("pk", AttributeValue.fromS("absent-a")),
                                    Map.of("pk", AttributeValue.fromS("absent-b"))))
                            .build())));
        long t4 = System.nanoTime();
        if (i >= 0) { // the first five warm the clients and moto
          put.add((t1 - t0) / 1e9);
          get.add((t2 - t1) / 1e9);
          sign.add((t3 - t2) / 1e9);
          batch.add((t4 - t3) / 1e9);
        }
      }
      out.put("GetItem", get.stream().mapToDouble(Double::doubleValue).toArray());
      out.put("PutItem", put.stream().mapToDouble(Double::doubleValue).toArray());
      out.put("Sign", sign.stream().mapToDouble(Double::doubleValue).toArray());
      out.put("BatchGetItem", batch.stream().mapToDouble(Double::doubleValue).toArray());
      return out;
    }
  }
}
