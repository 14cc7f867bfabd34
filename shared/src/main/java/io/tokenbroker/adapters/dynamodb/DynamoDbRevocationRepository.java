package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The revocations table. Items are keyed by what they revoke: {@code jti#<jti>}, {@code
 * client#<id>} (with a {@code revoked_before} watermark, epoch seconds), {@code key#<kid>} and
 * {@code family#<sid>}. Reads fetch all of a token's (or a refresh family's) in one strongly
 * consistent BatchGetItem, or, for a cache that keeps the shared client and key records itself
 * ({@link #ownStatus}), the token's own and only the shared ones asked for. A refresh rotation
 * checks the family's two in its transaction ({@link #familyNotRevoked}, {@link
 * #clientNotRevokedSince}).
 *
 * <p>Writes only ever raise a record: its TTL to the latest any revocation asked for, a watermark
 * to the latest instant. An expired record is still read until DynamoDB deletes it (which can lag
 * by days), so a write that found a record and kept it as it was would be lost when it goes.
 */
public final class DynamoDbRevocationRepository implements RevocationRepository {

  private static final String PK = "pk";
  private static final String CLIENT = "client#";
  private static final String FAMILY = "family#";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbRevocationRepository(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /**
   * Initializes the classes of {@link #status}'s one call, BatchGetItem's request and response
   * models (their static field tables spin about 30 lambdas in a cold JVM); calls nothing. For a
   * thread preparing a verifier's first decision during its init ({@code
   * BrokerAdapters.buildKmsClientAlongside}).
   */
  public static void loadCallClasses() {
    BatchGetItemRequest.builder();
    KeysAndAttributes.builder();
    BatchGetItemResponse.builder();
  }

  @Override
  public RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId, List<Ancestor> lineage) {
    String tokenKey = "jti#" + jti;
    String clientKey = CLIENT + clientId;
    String keyKey = "key#" + kid;
    // Plain code, no lambdas: this runs in every authorizer's first decision, where each lambda
    // is a class spun at run time (docs/performance.md).
    String familyKey = familyId.isPresent() ? FAMILY + familyId.get() : null;
    // One BatchGetItem: at most 4 + 4 x 6 = 28 keys (BatchGetItem takes 100), deduplicated since
    // BatchGetItem refuses repeats (ancestors share clients, keys and families).
    java.util.Set<String> keys =
        new java.util.LinkedHashSet<>(List.of(tokenKey, clientKey, keyKey));
    if (familyKey != null) {
      keys.add(familyKey);
    }
    for (Ancestor ancestor : lineage) {
      keys.add("jti#" + ancestor.jti());
      keys.add(CLIENT + ancestor.clientId());
      keys.add("key#" + ancestor.kid());
      if (ancestor.sessionId().isPresent()) {
        keys.add(FAMILY + ancestor.sessionId().get());
      }
    }
    Map<String, Map<String, AttributeValue>> found = read(List.copyOf(keys));
    boolean ancestorRevoked = false;
    boolean ancestorClientRevoked = false;
    for (Ancestor ancestor : lineage) {
      ancestorRevoked |=
          found.containsKey("jti#" + ancestor.jti())
              || found.containsKey("key#" + ancestor.kid())
              || (ancestor.sessionId().isPresent()
                  && found.containsKey(FAMILY + ancestor.sessionId().get()));
      ancestorClientRevoked |=
          RevocationStatus.revokedByWatermark(
              ancestor, watermark(found.get(CLIENT + ancestor.clientId())));
    }
    return new RevocationStatus(
        found.containsKey(tokenKey),
        watermark(found.get(clientKey)),
        found.containsKey(keyKey),
        familyKey != null && found.containsKey(familyKey),
        ancestorRevoked,
        ancestorClientRevoked,
        honeytoken(found.get(tokenKey)) || (familyKey != null && honeytoken(found.get(familyKey))));
  }

  @Override
  public RevocationStatus ownStatus(
      String jti, Optional<String> familyId, Optional<String> clientId, Optional<String> kid) {
    // Only the keys asked for: each key is one read unit (strongly consistent, found or not), and
    // client# and key# are the items every authorizer reads.
    String tokenKey = "jti#" + jti;
    String familyKey = familyId.isPresent() ? FAMILY + familyId.get() : null;
    String clientKey = clientId.isPresent() ? CLIENT + clientId.get() : null;
    String keyKey = kid.isPresent() ? "key#" + kid.get() : null;
    List<String> keys = new ArrayList<>(4);
    keys.add(tokenKey);
    if (familyKey != null) {
      keys.add(familyKey);
    }
    if (clientKey != null) {
      keys.add(clientKey);
    }
    if (keyKey != null) {
      keys.add(keyKey);
    }
    Map<String, Map<String, AttributeValue>> found = read(keys);
    return new RevocationStatus(
        found.containsKey(tokenKey),
        clientKey == null ? Optional.empty() : watermark(found.get(clientKey)),
        keyKey != null && found.containsKey(keyKey),
        familyKey != null && found.containsKey(familyKey),
        false,
        false,
        honeytoken(found.get(tokenKey)) || (familyKey != null && honeytoken(found.get(familyKey))));
  }

  @Override
  public RevocationStatus familyStatus(String clientId, String familyId) {
    Map<String, Map<String, AttributeValue>> found =
        read(List.of(CLIENT + clientId, FAMILY + familyId));
    return new RevocationStatus(
        false,
        watermark(found.get(CLIENT + clientId)),
        false,
        found.containsKey(FAMILY + familyId),
        false,
        false,
        honeytoken(found.get(FAMILY + familyId)));
  }

  /** A record that marks a honeytoken: its reason says so (and no later write replaces it). */
  private boolean honeytoken(Map<String, AttributeValue> item) {
    return item != null && item.get("reason") != null && HONEYTOKEN.equals(item.get("reason").s());
  }

  private static final String HONEYTOKEN = RevocationReason.HONEYTOKEN.logName();

  /** The condition under which {@code family#<id>} revokes nothing: it does not exist. */
  static ConditionCheck familyNotRevoked(String table, String familyId) {
    return ConditionCheck.builder()
        .tableName(table)
        .key(key(FAMILY + familyId))
        .conditionExpression("attribute_not_exists(pk)")
        .build();
  }

  /** The condition under which {@code client#<id>} revokes nothing started at {@code startedAt}. */
  static ConditionCheck clientNotRevokedSince(String table, String clientId, Instant startedAt) {
    return ConditionCheck.builder()
        .tableName(table)
        .key(key(CLIENT + clientId))
        .conditionExpression("attribute_not_exists(pk) OR revoked_before <= :started")
        .expressionAttributeValues(Map.of(":started", n(startedAt.getEpochSecond())))
        .build();
  }

  private static Optional<Instant> watermark(Map<String, AttributeValue> clientItem) {
    return clientItem == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(Long.parseLong(clientItem.get("revoked_before").n())));
  }

  /** The items found under {@code pks}, by pk, in one strongly consistent read. */
  private Map<String, Map<String, AttributeValue>> read(List<String> pks) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>(pks.size());
    for (String pk : pks) {
      keys.add(key(pk));
    }
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
        BatchGetItemResponse response =
            dynamoDb.batchGetItem(BatchGetItemRequest.builder().requestItems(pending).build());
        for (Map<String, AttributeValue> item :
            response.responses().getOrDefault(table, List.of())) {
          found.put(item.get(PK).s(), item);
        }
        request = response.unprocessedKeys() == null ? Map.of() : response.unprocessedKeys();
      }
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "BatchGetItem revocations", e);
    }
    return found;
  }

  @Override
  public void revokeFamily(String familyId, Instant keepUntil, String reason) {
    putCovering(FAMILY + familyId, keepUntil, reason);
  }

  @Override
  public void revokeToken(String jti, Instant keepUntil, String reason) {
    putCovering("jti#" + jti, keepUntil, reason);
  }

  @Override
  public void revokeKey(String kid, Instant keepUntil, String reason) {
    putCovering("key#" + kid, keepUntil, reason);
  }

  @Override
  public Optional<Instant> clientWatermark(String clientId) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(r -> r.tableName(table).key(key(CLIENT + clientId)).consistentRead(true))
              .item();
      return item == null || !item.containsKey("revoked_before")
          ? Optional.empty()
          : Optional.of(Instant.ofEpochSecond(number(item, "revoked_before")));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem client watermark", e);
    }
  }

  @Override
  public boolean restoreClientWatermark(
      String clientId, Instant expected, Optional<Instant> restoreTo) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":expected", n(expected.getEpochSecond()));
    try {
      if (restoreTo.isEmpty()) {
        dynamoDb.deleteItem(
            r ->
                r.tableName(table)
                    .key(key(CLIENT + clientId))
                    .conditionExpression("revoked_before = :expected")
                    .expressionAttributeValues(values));
      } else {
        // The TTL stays: it covers the later watermark's tokens, so it covers the earlier one's.
        values.put(":to", n(restoreTo.get().getEpochSecond()));
        dynamoDb.updateItem(
            r ->
                r.tableName(table)
                    .key(key(CLIENT + clientId))
                    .updateExpression("SET revoked_before = :to")
                    .conditionExpression("revoked_before = :expected")
                    .expressionAttributeValues(values));
      }
      return true;
    } catch (ConditionalCheckFailedException moved) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "restore client watermark", e);
    }
  }

  @Override
  public void revokeClientTokensBefore(String clientId, Instant before, Instant keepUntil) {
    long wantBefore = before.getEpochSecond();
    long wantUntil = keepUntil.getEpochSecond();
    // Optimistic: put the merge of what is there and what is asked, on condition that what is there
    // has not changed; another writer in between means one more round.
    Optional<Map<String, AttributeValue>> current = Optional.empty();
    for (int attempt = 0; attempt < 5; attempt++) {
      long newBefore =
          Math.max(wantBefore, current.map(i -> number(i, "revoked_before")).orElse(0L));
      long newUntil = Math.max(wantUntil, current.map(i -> number(i, BrokerTables.TTL)).orElse(0L));
      if (current.isPresent()
          && newBefore == number(current.get(), "revoked_before")
          && newUntil == number(current.get(), BrokerTables.TTL)) {
        return; // what is there covers this revocation (or is this very write, retried)
      }
      Map<String, AttributeValue> item = new HashMap<>();
      item.put(PK, AttributeValue.fromS(CLIENT + clientId));
      item.put("revoked_before", n(newBefore));
      item.put("revoked_at", AttributeValue.fromS(Instant.now().toString()));
      item.put(BrokerTables.TTL, n(newUntil));
      try {
        dynamoDb.putItem(unchangedSince(current, item));
        return;
      } catch (ConditionalCheckFailedException changed) {
        current = changed.hasItem() ? Optional.of(changed.item()) : Optional.empty();
      } catch (SdkException e) {
        throw AwsFailures.of("dynamodb", "PutItem client revocation", e);
      }
    }
    throw new ServiceFailure(
        "dynamodb", "PutItem client revocation: concurrent writers, gave up", true, null);
  }

  /**
   * The put, conditioned on the record being as last seen ({@code current}, or absent); a failed
   * condition returns the record as it is now.
   */
  private PutItemRequest unchangedSince(
      Optional<Map<String, AttributeValue>> current, Map<String, AttributeValue> item) {
    PutItemRequest.Builder put =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    if (current.isEmpty()) {
      return put.conditionExpression("attribute_not_exists(pk)").build();
    }
    return put.conditionExpression("revoked_before = :before AND #ttl = :ttl")
        .expressionAttributeNames(Map.of("#ttl", BrokerTables.TTL))
        .expressionAttributeValues(
            Map.of(
                ":before", current.get().get("revoked_before"),
                ":ttl", current.get().get(BrokerTables.TTL)))
        .build();
  }

  /**
   * Records a revocation, or raises the TTL of the record already there to cover this one. A record
   * whose TTL is at least {@code keepUntil} already covers it (a retry of this very write
   * included); a honeytoken's record is never replaced, so its mark outlives any later revocation.
   */
  private void putCovering(String pk, Instant keepUntil, String reason) {
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
                  .conditionExpression(
                      "attribute_not_exists(pk) OR (#ttl < :ttl AND #reason <> :honeytoken)")
                  .expressionAttributeNames(Map.of("#ttl", BrokerTables.TTL, "#reason", "reason"))
                  .expressionAttributeValues(
                      Map.of(
                          ":ttl",
                          n(keepUntil.getEpochSecond()),
                          ":honeytoken",
                          AttributeValue.fromS(HONEYTOKEN))));
    } catch (ConditionalCheckFailedException coveredAlready) {
      // Revoked before, for at least as long: the revocation stands.
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem revocation", e);
    }
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0L : Long.parseLong(value.n());
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of(PK, AttributeValue.fromS(pk));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
