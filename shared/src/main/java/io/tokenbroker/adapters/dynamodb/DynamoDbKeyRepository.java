package io.tokenbroker.adapters.dynamodb;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.jose.PublicJwkMembers;
import io.tokenbroker.json.FlatJson;
import io.tokenbroker.keys.KeyConflict;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The key table in DynamoDB: one item per signing key, versioned for conditional updates.
 *
 * <p>Read and written with the low-level client, as every other table: the Enhanced Client cost
 * every function about 220 more classes at cold start for this one table (docs/performance.md). The
 * item's shape is the one the Enhanced Client wrote: strings, times as ISO-8601 strings ({@link
 * Instant#toString()}), the version as a number, absent attributes for null.
 */
public final class DynamoDbKeyRepository implements KeyRepository {

  /**
   * Items whose kid starts so are not keys (the rotation lease and key creations live in this table
   * too). Every reader of keys skips them, readers of earlier versions included.
   */
  static final String NOT_A_KEY = "lock#";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbKeyRepository(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /**
   * Every key, page after page. A plain loop over Scan rather than the SDK's paginator and a
   * stream: this is a verifier's first read at cold start, where each paginator class and lambda is
   * loaded and spun for this one call (docs/performance.md).
   */
  @Override
  public List<SigningKey> findAll() {
    ScanRequest first =
        ScanRequest.builder()
            .tableName(table)
            .consistentRead(true)
            .filterExpression("NOT begins_with(kid, :lock)")
            .expressionAttributeValues(Map.of(":lock", AttributeValue.fromS(NOT_A_KEY)))
            .build();
    List<SigningKey> keys = new ArrayList<>();
    try {
      ScanRequest request = first;
      while (true) {
        ScanResponse page = dynamoDb.scan(request);
        for (Map<String, AttributeValue> item : page.items()) {
          keys.add(toKey(item));
        }
        Map<String, AttributeValue> last = page.lastEvaluatedKey();
        if (last == null || last.isEmpty()) {
          return List.copyOf(keys);
        }
        request = first.toBuilder().exclusiveStartKey(last).build();
      }
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan keys", e);
    }
  }

  @Override
  public Optional<SigningKey> find(String kid) {
    if (kid.startsWith(NOT_A_KEY)) {
      return Optional.empty(); // the lease or a key creation: not a key
    }
    Map<String, AttributeValue> item;
    try {
      item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("kid", AttributeValue.fromS(kid)))
                          .consistentRead(true))
              .item();
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem key", e);
    }
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toKey(item));
  }

  @Override
  public void create(SigningKey key) {
    write(List.of(key), List.of());
  }

  @Override
  public void write(List<SigningKey> created, List<SigningKey> updated) {
    List<TransactWriteItem> writes = new ArrayList<>();
    for (SigningKey key : created) {
      writes.add(
          put(
              Put.builder()
                  .tableName(table)
                  .item(toItem(key))
                  .conditionExpression("attribute_not_exists(kid)")
                  .build()));
    }
    for (SigningKey key : updated) {
      writes.add(
          put(
              Put.builder()
                  .tableName(table)
                  .item(toItem(key))
                  .conditionExpression("version = :expected")
                  .expressionAttributeValues(
                      Map.of(":expected", AttributeValue.fromN(Long.toString(key.version() - 1))))
                  .build()));
    }
    try {
      dynamoDb.transactWriteItems(r -> r.transactItems(writes));
    } catch (TransactionCanceledException e) {
      throw new KeyConflict(
          created.isEmpty() ? updated.getFirst().kid() : created.getFirst().kid());
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "TransactWriteItems keys", e);
    }
  }

  private static TransactWriteItem put(Put put) {
    return TransactWriteItem.builder().put(put).build();
  }

  static Map<String, AttributeValue> toItem(SigningKey key) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("kid", AttributeValue.fromS(key.kid()));
    putString(item, "key_reference", key.keyReference());
    item.put("alg", AttributeValue.fromS(key.algorithm().getName()));
    item.put("public_jwk", AttributeValue.fromS(key.publicJwk().toJSONString()));
    item.put("state", AttributeValue.fromS(key.state().name()));
    putTime(item, "created_at", key.createdAt());
    putTime(item, "activated_at", key.activatedAt());
    putTime(item, "retired_at", key.retiredAt());
    putTime(item, "withdrawn_at", key.withdrawnAt());
    item.put("version", AttributeValue.fromN(Long.toString(key.version())));
    return item;
  }

  private static SigningKey toKey(Map<String, AttributeValue> item) {
    try {
      return new SigningKey(
          string(item, "kid"),
          string(item, "key_reference"),
          JWSAlgorithm.parse(string(item, "alg")),
          publicJwk(string(item, "public_jwk")),
          KeyState.valueOf(string(item, "state")),
          time(item, "created_at"),
          time(item, "activated_at"),
          time(item, "retired_at"),
          time(item, "withdrawn_at"),
          Long.parseLong(item.get("version").n()));
    } catch (ParseException e) {
      throw new IllegalStateException("key table holds an unreadable public key", e);
    }
  }

  /**
   * The record's public JWK, as {@link JWK#parse(String)} reads it. A record as the rotation
   * function writes it (an RSA or EC public key with kid, alg and use, all strings) is read with
   * {@link FlatJson} (strict, one pass) and built with Nimbus's key builders: Nimbus's parser, and
   * any use of its {@code JSONObjectUtils}, starts its Gson, which alone cost a cold function about
   * 70-100 ms (docs/performance.md). Built by {@link PublicJwkMembers}, as client keys are; any
   * other text is left to {@link JWK#parse(String)}, so the result is Nimbus's in every case.
   */
  static JWK publicJwk(String json) throws ParseException {
    Map<String, Object> members = new HashMap<>();
    try {
      FlatJson.read(json, members::put);
    } catch (ParseException e) {
      return JWK.parse(json);
    }
    Optional<JWK> built = PublicJwkMembers.of(members);
    return built.isPresent() ? built.get() : JWK.parse(json); // Nimbus's words for the rest
  }

  private static void putString(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value));
    }
  }

  private static void putTime(Map<String, AttributeValue> item, String name, Instant value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value.toString()));
    }
  }

  /**
   * The attribute's string, or null when absent or DynamoDB's NULL (as the Enhanced Client read).
   */
  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || Boolean.TRUE.equals(value.nul()) ? null : value.s();
  }

  private static Instant time(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : Instant.parse(value);
  }
}
