package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.keys.KeyCreation;
import io.tokenbroker.keys.KeyCreations;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Key creations in the key table, one item each ({@code kid = lock#creation#<id>}, state {@code
 * CREATING}). The {@code lock#} prefix is the table's namespace for items that are not keys: every
 * reader of keys, including authorizers of earlier versions still deployed elsewhere, skips it.
 */
public final class DynamoDbKeyCreations implements KeyCreations {

  static final String PREFIX = DynamoDbKeyRepository.NOT_A_KEY + "creation#";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbKeyCreations(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public void record(KeyCreation creation) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("kid", AttributeValue.fromS(PREFIX + creation.creationId()));
    item.put("state", AttributeValue.fromS("CREATING"));
    item.put("created_at", AttributeValue.fromS(creation.startedAt().toString()));
    creation.keyReference().ifPresent(ref -> item.put("key_reference", AttributeValue.fromS(ref)));
    try {
      dynamoDb.putItem(r -> r.tableName(table).item(item));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem key creation", e);
    }
  }

  @Override
  public List<KeyCreation> findAll() {
    try {
      return dynamoDb
          .scanPaginator(
              r ->
                  r.tableName(table)
                      .consistentRead(true)
                      .filterExpression("begins_with(kid, :creation)")
                      .expressionAttributeValues(Map.of(":creation", AttributeValue.fromS(PREFIX))))
          .items()
          .stream()
          .map(DynamoDbKeyCreations::toCreation)
          .toList();
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan key creations", e);
    }
  }

  @Override
  public void forget(String creationId) {
    try {
      dynamoDb.deleteItem(
          r -> r.tableName(table).key(Map.of("kid", AttributeValue.fromS(PREFIX + creationId))));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "DeleteItem key creation", e);
    }
  }

  private static KeyCreation toCreation(Map<String, AttributeValue> item) {
    return new KeyCreation(
        item.get("kid").s().substring(PREFIX.length()),
        Instant.parse(item.get("created_at").s()),
        Optional.ofNullable(item.get("key_reference")).map(AttributeValue::s));
  }
}
