package io.tokenbroker.adapters.dynamodb;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.keys.KeyConflict;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.ScanEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The key table in DynamoDB: one item per signing key, versioned for conditional updates. */
public final class DynamoDbKeyRepository implements KeyRepository {

  static final TableSchema<SigningKey> SCHEMA =
      StaticImmutableTableSchema.builder(SigningKey.class, ItemFields.class)
          .newItemBuilder(ItemFields::new, DynamoDbKeyRepository::toKey)
          .addAttribute(
              String.class,
              a ->
                  a.name("kid")
                      .getter(SigningKey::kid)
                      .setter(ItemFields.setter("kid"))
                      .tags(primaryPartitionKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name("key_reference")
                      .getter(SigningKey::keyReference)
                      .setter(ItemFields.setter("key_reference")))
          .addAttribute(
              String.class,
              a ->
                  a.name("alg")
                      .getter(k -> k.algorithm().getName())
                      .setter(ItemFields.setter("alg")))
          .addAttribute(
              String.class,
              a ->
                  a.name("public_jwk")
                      .getter(k -> k.publicJwk().toJSONString())
                      .setter(ItemFields.setter("public_jwk")))
          .addAttribute(
              String.class,
              a -> a.name("state").getter(k -> k.state().name()).setter(ItemFields.setter("state")))
          .addAttribute(
              Instant.class,
              a ->
                  a.name("created_at")
                      .getter(SigningKey::createdAt)
                      .setter(ItemFields.setter("created_at")))
          .addAttribute(
              Instant.class,
              a ->
                  a.name("activated_at")
                      .getter(SigningKey::activatedAt)
                      .setter(ItemFields.setter("activated_at")))
          .addAttribute(
              Instant.class,
              a ->
                  a.name("retired_at")
                      .getter(SigningKey::retiredAt)
                      .setter(ItemFields.setter("retired_at")))
          .addAttribute(
              Instant.class,
              a ->
                  a.name("withdrawn_at")
                      .getter(SigningKey::withdrawnAt)
                      .setter(ItemFields.setter("withdrawn_at")))
          .addAttribute(
              Long.class,
              a ->
                  a.name("version")
                      .getter(SigningKey::version)
                      .setter(ItemFields.setter("version")))
          .build();

  /**
   * Items whose kid starts so are not keys (the rotation lease and key creations live in this table
   * too). Every reader of keys skips them, readers of earlier versions included.
   */
  static final String NOT_A_KEY = "lock#";

  private final DynamoDbEnhancedClient enhanced;
  private final DynamoDbTable<SigningKey> table;

  public DynamoDbKeyRepository(DynamoDbEnhancedClient client, String tableName) {
    this.enhanced = client;
    this.table = client.table(tableName, SCHEMA);
  }

  @Override
  public List<SigningKey> findAll() {
    try {
      return table
          .scan(
              ScanEnhancedRequest.builder()
                  .consistentRead(true)
                  .filterExpression(
                      Expression.builder()
                          .expression("NOT begins_with(kid, :lock)")
                          .expressionValues(Map.of(":lock", AttributeValue.fromS(NOT_A_KEY)))
                          .build())
                  .build())
          .items()
          .stream()
          .toList();
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan keys", e);
    }
  }

  @Override
  public Optional<SigningKey> find(String kid) {
    if (kid.startsWith(NOT_A_KEY)) {
      return Optional.empty(); // the lease or a key creation: not a key
    }
    try {
      return Optional.ofNullable(
          table.getItem(
              GetItemEnhancedRequest.builder()
                  .key(Key.builder().partitionValue(kid).build())
                  .consistentRead(true)
                  .build()));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem key", e);
    }
  }

  @Override
  public void create(SigningKey key) {
    write(List.of(key), List.of());
  }

  @Override
  public void write(List<SigningKey> created, List<SigningKey> updated) {
    var request = TransactWriteItemsEnhancedRequest.builder();
    for (SigningKey key : created) {
      request.addPutItem(
          table,
          TransactPutItemEnhancedRequest.builder(SigningKey.class)
              .item(key)
              .conditionExpression(
                  Expression.builder().expression("attribute_not_exists(kid)").build())
              .build());
    }
    for (SigningKey key : updated) {
      request.addPutItem(
          table,
          TransactPutItemEnhancedRequest.builder(SigningKey.class)
              .item(key)
              .conditionExpression(
                  Expression.builder()
                      .expression("version = :expected")
                      .expressionValues(
                          Map.of(
                              ":expected", AttributeValue.fromN(Long.toString(key.version() - 1))))
                      .build())
              .build());
    }
    try {
      enhanced.transactWriteItems(request.build());
    } catch (TransactionCanceledException e) {
      throw new KeyConflict(
          created.isEmpty() ? updated.getFirst().kid() : created.getFirst().kid());
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "TransactWriteItems keys", e);
    }
  }

  private static SigningKey toKey(ItemFields item) {
    try {
      return new SigningKey(
          item.get("kid"),
          item.get("key_reference"),
          JWSAlgorithm.parse(item.get("alg")),
          JWK.parse((String) item.get("public_jwk")),
          KeyState.valueOf(item.get("state")),
          item.get("created_at"),
          item.get("activated_at"),
          item.get("retired_at"),
          item.get("withdrawn_at"),
          item.<Long>get("version"));
    } catch (ParseException e) {
      throw new IllegalStateException("key table holds an unreadable public key", e);
    }
  }
}
