package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The revocations table. Items are keyed by what they revoke: {@code jti#<jti>}, {@code
 * client#<id>} (with a {@code revoked_before} watermark, epoch seconds) and {@code key#<kid>}.
 * Reads fetch all three for a token in one strongly consistent BatchGetItem.
 */
public final class DynamoDbRevocationRepository implements RevocationRepository {

  private static final String PK = "pk";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbRevocationRepository(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId) {
    String tokenKey = "jti#" + jti;
    String clientKey = "client#" + clientId;
    String keyKey = "key#" + kid;
    Optional<String> familyKey = familyId.map(id -> "family#" + id);
    List<Map<String, AttributeValue>> keys =
        new java.util.ArrayList<>(List.of(key(tokenKey), key(clientKey), key(keyKey)));
    familyKey.ifPresent(k -> keys.add(key(k)));
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    try {
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      // Unprocessed keys (throttling) are retried here, within the client's call timeout.
      for (int attempt = 0; !request.isEmpty(); attempt++) {
        if (attempt == 3) {
          throw new ServiceFailure(
              "dynamodb", "BatchGetItem revocations: unprocessed keys", true, null);
        }
        Map<String, KeysAndAttributes> pending = request;
        BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(pending));
        for (Map<String, AttributeValue> item :
            response.responses().getOrDefault(table, List.of())) {
          found.put(item.get(PK).s(), item);
        }
        request = response.unprocessedKeys() == null ? Map.of() : response.unprocessedKeys();
      }
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "BatchGetItem revocations", e);
    }
    Optional<Instant> watermark =
        Optional.ofNullable(found.get(clientKey))
            .map(item -> Instant.ofEpochSecond(Long.parseLong(item.get("revoked_before").n())));
    return new RevocationStatus(
        found.containsKey(tokenKey),
        watermark,
        found.containsKey(keyKey),
        familyKey.filter(found::containsKey).isPresent());
  }

  @Override
  public Optional<Instant> clientWatermark(String clientId) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(r -> r.tableName(table).key(key("client#" + clientId)).consistentRead(true))
              .item();
      return item == null || item.isEmpty()
          ? Optional.empty()
          : Optional.of(Instant.ofEpochSecond(Long.parseLong(item.get("revoked_before").n())));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem client revocation", e);
    }
  }

  @Override
  public void revokeFamily(String familyId, Instant keepUntil, String reason) {
    putIfAbsent("family#" + familyId, keepUntil, reason);
  }

  @Override
  public void revokeToken(String jti, Instant keepUntil, String reason) {
    putIfAbsent("jti#" + jti, keepUntil, reason);
  }

  @Override
  public void revokeKey(String kid, Instant keepUntil, String reason) {
    putIfAbsent("key#" + kid, keepUntil, reason);
  }

  @Override
  public void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, AttributeValue.fromS("client#" + clientId));
    item.put("revoked_before", n(before.getEpochSecond()));
    item.put("revoked_at", AttributeValue.fromS(Instant.now().toString()));
    item.put(BrokerTables.TTL, n(keepUntil.getEpochSecond()));
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(pk) OR revoked_before < :before")
                  .expressionAttributeValues(Map.of(":before", n(before.getEpochSecond()))));
    } catch (ConditionalCheckFailedException newerWatermark) {
      // A later watermark is already in place; it covers this one.
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem client revocation", e);
    }
  }

  private void putIfAbsent(String pk, Instant keepUntil, String reason) {
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          PK,
                          AttributeValue.fromS(pk),
                          "reason",
                          AttributeValue.fromS(reason),
                          "revoked_at",
                          AttributeValue.fromS(Instant.now().toString()),
                          BrokerTables.TTL,
                          n(keepUntil.getEpochSecond())))
                  .conditionExpression("attribute_not_exists(pk)"));
    } catch (ConditionalCheckFailedException alreadyRevoked) {
      // Revoked before: the revocation stands.
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem revocation", e);
    }
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of(PK, AttributeValue.fromS(pk));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
