package io.tokenbroker.adapters.provisioning;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.BrokerTables.TableSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the broker's tables on any AWS-compatible endpoint (moto, LocalStack, an account without
 * the stack), as template.yaml declares them: on-demand billing, TTL, point-in-time recovery.
 * Idempotent: existing tables are left as they are. In AWS the stack creates the tables instead.
 */
public final class BrokerProvisioner {

  private static final Duration TABLE_READY_TIMEOUT = Duration.ofSeconds(60);

  private final DynamoDbClient dynamoDb;

  public BrokerProvisioner(DynamoDbClient dynamoDb) {
    this.dynamoDb = dynamoDb;
  }

  public void createTables(BrokerTables tables) {
    tables.specs().forEach(this::createTable);
  }

  /** One table, as {@link #createTables} creates each. */
  public void createTable(TableSpec spec) {
    try {
      create(spec);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "create table " + spec.name(), e);
    }
  }

  private void create(TableSpec spec) {
    try {
      dynamoDb.createTable(
          r ->
              r.tableName(spec.name())
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(attributes(spec))
                  .keySchema(keySchema(spec)));
    } catch (ResourceInUseException exists) {
      return;
    }
    awaitActive(spec.name());
    if (spec.ttlAttribute() != null) {
      dynamoDb.updateTimeToLive(
          r ->
              r.tableName(spec.name())
                  .timeToLiveSpecification(
                      t -> t.attributeName(spec.ttlAttribute()).enabled(true)));
    }
    dynamoDb.updateContinuousBackups(
        r ->
            r.tableName(spec.name())
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
  }

  private static List<AttributeDefinition> attributes(TableSpec spec) {
    List<AttributeDefinition> attributes = new ArrayList<>();
    attributes.add(stringAttribute(spec.partitionKey()));
    if (spec.sortKey() != null) {
      attributes.add(stringAttribute(spec.sortKey()));
    }
    return attributes;
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static List<KeySchemaElement> keySchema(TableSpec spec) {
    List<KeySchemaElement> schema = new ArrayList<>();
    schema.add(
        KeySchemaElement.builder()
            .attributeName(spec.partitionKey())
            .keyType(KeyType.HASH)
            .build());
    if (spec.sortKey() != null) {
      schema.add(
          KeySchemaElement.builder().attributeName(spec.sortKey()).keyType(KeyType.RANGE).build());
    }
    return schema;
  }

  private void awaitActive(String table) {
    Instant deadline = Instant.now().plus(TABLE_READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (dynamoDb.describeTable(r -> r.tableName(table)).table().tableStatus()
            == TableStatus.ACTIVE) {
          return;
        }
      } catch (ResourceNotFoundException notYet) {
        // eventually consistent on some endpoints
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + table, e);
      }
    }
    throw new IllegalStateException("table " + table + " did not become ACTIVE in time");
  }
}
