package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.TestKeys;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The key table's items are the ones earlier versions wrote through the Enhanced Client: a deployed
 * stack's records stay readable after an update, and an authorizer of an earlier version still
 * deployed elsewhere reads what the new rotation function writes. The Enhanced Client schema below
 * is the one {@link DynamoDbKeyRepository} used until issue 13 (test scope only).
 */
@ExtendWith(MotoExtension.class)
class DynamoDbKeyRepositoryFormatIT {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00.123456789Z");

  private static DynamoDbKeyRepository repository;
  private static DynamoDbTable<SigningKey> earlier;
  private static software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;
  private static String table;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    repository = new DynamoDbKeyRepository(fixture.dynamoDb, fixture.tables.keys());
    dynamoDb = fixture.dynamoDb;
    table = fixture.tables.keys();
    earlier =
        DynamoDbEnhancedClient.builder()
            .dynamoDbClient(fixture.dynamoDb)
            .build()
            .table(fixture.tables.keys(), EARLIER_SCHEMA);
  }

  /** Every state of one key, so that every optional time is both absent and present. */
  static List<SigningKey> lifecycle(JWSAlgorithm alg) {
    SigningKey pending =
        SigningKey.created(TestKeys.managed(TestKeys.generate(alg)), KeyState.PENDING, NOW);
    SigningKey active = pending.moveTo(KeyState.ACTIVE, NOW.plusSeconds(60));
    SigningKey retired = active.moveTo(KeyState.RETIRED, NOW.plusMillis(120_123));
    SigningKey withdrawn = retired.moveTo(KeyState.WITHDRAWN, NOW.plusSeconds(180));
    return List.of(pending, active, retired, withdrawn);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void readsWhatEarlierVersionsWrote(String alg) {
    for (SigningKey key : lifecycle(JWSAlgorithm.parse(alg))) {
      earlier.putItem(key);

      assertThat(repository.find(key.kid())).contains(key);
      assertThat(repository.findAll()).contains(key);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void writesWhatEarlierVersionsRead(String alg) {
    List<SigningKey> states = lifecycle(JWSAlgorithm.parse(alg));
    earlier.deleteItem(Key.builder().partitionValue(states.getFirst().kid()).build());

    repository.create(states.getFirst());
    assertThat(read(states.getFirst())).isEqualTo(states.getFirst());
    for (SigningKey key : states.subList(1, states.size())) {
      repository.write(List.of(), List.of(key));
      assertThat(read(key)).isEqualTo(key);
    }
  }

  /**
   * Item for item, not only the decoded keys: the attributes, their types, number encodings, and
   * which optional ones are absent are the same whoever wrote them, in both directions.
   */
  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void writesTheSameItemsAsEarlierVersions(String alg) {
    List<SigningKey> states = lifecycle(JWSAlgorithm.parse(alg));
    String kid = states.getFirst().kid();
    List<Map<String, AttributeValue>> byEarlier = new java.util.ArrayList<>();
    for (SigningKey key : states) {
      earlier.putItem(key);
      byEarlier.add(rawItem(kid));
    }
    earlier.deleteItem(Key.builder().partitionValue(kid).build());
    List<Map<String, AttributeValue>> byNew = new java.util.ArrayList<>();
    repository.create(states.getFirst());
    byNew.add(rawItem(kid));
    for (SigningKey key : states.subList(1, states.size())) {
      repository.write(List.of(), List.of(key));
      byNew.add(rawItem(kid));
    }

    assertThat(byNew).isEqualTo(byEarlier);
    // The pending key has optional times: absent, in both.
    assertThat(byNew.getFirst().values()).noneMatch(v -> Boolean.TRUE.equals(v.nul()));
  }

  /**
   * An item whose absent optional attributes are written as NULL (the Enhanced Client's schema
   * writes them so when nulls are not ignored) reads as the key.
   */
  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void readsOptionalAttributesWrittenAsNull(String alg) {
    for (SigningKey key : lifecycle(JWSAlgorithm.parse(alg))) {
      Map<String, AttributeValue> withNulls = EARLIER_SCHEMA.itemToMap(key, false);
      dynamoDb.putItem(r -> r.tableName(table).item(withNulls));
      if (key.state() == KeyState.PENDING) {
        assertThat(rawItem(key.kid()).values()).anyMatch(v -> Boolean.TRUE.equals(v.nul()));
      }

      assertThat(repository.find(key.kid())).contains(key);
      assertThat(repository.findAll()).contains(key);
    }
  }

  private static Map<String, AttributeValue> rawItem(String kid) {
    return dynamoDb
        .getItem(
            r ->
                r.tableName(table)
                    .key(Map.of("kid", AttributeValue.fromS(kid)))
                    .consistentRead(true))
        .item();
  }

  private static SigningKey read(SigningKey key) {
    return earlier.getItem(
        r -> r.key(Key.builder().partitionValue(key.kid()).build()).consistentRead(true));
  }

  // ---- the schema of versions before issue 13, verbatim

  static final class ItemFields {
    private final Map<String, Object> values = new HashMap<>();

    static <T> BiConsumer<ItemFields, T> setter(String name) {
      return (fields, value) -> fields.values.put(name, value);
    }

    @SuppressWarnings("unchecked")
    <T> T get(String name) {
      return (T) values.get(name);
    }
  }

  static final TableSchema<SigningKey> EARLIER_SCHEMA =
      StaticImmutableTableSchema.builder(SigningKey.class, ItemFields.class)
          .newItemBuilder(ItemFields::new, DynamoDbKeyRepositoryFormatIT::toKey)
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
      throw new IllegalStateException(e);
    }
  }
}
