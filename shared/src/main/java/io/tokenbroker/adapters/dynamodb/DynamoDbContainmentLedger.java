package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.detection.Containment;
import io.tokenbroker.detection.ContainmentLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Containments in the detector table: {@code containment#<client>} (the latest, kept {@link #KEEP})
 * and the cap's slots {@code cap#<n>}, each holding the time it was last taken. A slot is taken by
 * a put conditioned on it being free, so detector containers racing for the last slot cannot both
 * win; a containment is recorded by a put conditioned on the cool-down.
 */
public final class DynamoDbContainmentLedger implements ContainmentLedger {

  static final Duration KEEP = Duration.ofDays(90);
  private static final String CONTAINMENT = "containment#";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbContainmentLedger(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public Optional<Containment> latest(String clientId) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("pk", AttributeValue.fromS(CONTAINMENT + clientId)))
                          .consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem containment", e);
    }
  }

  @Override
  public List<Containment> list() {
    List<Containment> all = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        Map<String, AttributeValue> from = start;
        ScanResponse page =
            dynamoDb.scan(
                r ->
                    r.tableName(table)
                        .consistentRead(true)
                        .filterExpression("begins_with(pk, :p)")
                        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(CONTAINMENT)))
                        .exclusiveStartKey(from));
        page.items().forEach(item -> all.add(fromItem(item)));
        start =
            page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey()
                : null;
      } while (start != null);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan containments", e);
    }
    all.sort(Comparator.comparing(Containment::containedAt).reversed());
    return all;
  }

  @Override
  public boolean takeSlot(Instant at, Duration window, int cap, String clientId) {
    long now = at.toEpochMilli();
    for (int slot = 0; slot < cap; slot++) {
      int n = slot;
      try {
        dynamoDb.putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("cap#" + n),
                            "taken_at",
                            n(now),
                            "client_id",
                            AttributeValue.fromS(clientId),
                            BrokerTables.TTL,
                            n(at.plus(window).getEpochSecond() + 86_400)))
                    // A slot this client holds is its own again: two findings of one client,
                    // racing in two containers, use one slot between them.
                    .conditionExpression(
                        "attribute_not_exists(pk) OR taken_at <= :free OR client_id = :client")
                    .expressionAttributeValues(
                        Map.of(
                            ":free",
                            n(at.minus(window).toEpochMilli()),
                            ":client",
                            AttributeValue.fromS(clientId))));
        return true;
      } catch (ConditionalCheckFailedException taken) {
        // in use within the window: try the next
      } catch (SdkException e) {
        throw AwsFailures.of("dynamodb", "PutItem containment slot", e);
      }
    }
    return false;
  }

  @Override
  public boolean record(Containment c, Duration coolDown) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(CONTAINMENT + c.clientId()));
    item.put("contained_at", n(c.containedAt().toEpochMilli()));
    item.put("rule", AttributeValue.fromS(c.rule()));
    c.watermarkBefore().ifPresent(b -> item.put("watermark_before", n(b.getEpochSecond())));
    item.put("watermark_after", n(c.watermarkAfter().getEpochSecond()));
    item.put(BrokerTables.TTL, n(c.containedAt().plus(KEEP).getEpochSecond()));
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(pk) OR contained_at <= :cooled")
                  .expressionAttributeValues(
                      Map.of(":cooled", n(c.containedAt().minus(coolDown).toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException withinCoolDown) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem containment", e);
    }
  }

  @Override
  public boolean release(String clientId, Instant containedAt, Instant releasedAt) {
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(Map.of("pk", AttributeValue.fromS(CONTAINMENT + clientId)))
                  .updateExpression("SET released_at = :r")
                  .conditionExpression("contained_at = :c AND attribute_not_exists(released_at)")
                  .expressionAttributeValues(
                      Map.of(
                          ":r", n(releasedAt.toEpochMilli()),
                          ":c", n(containedAt.toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException notThatOne) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "UpdateItem containment release", e);
    }
  }

  private static Containment fromItem(Map<String, AttributeValue> item) {
    return new Containment(
        item.get("pk").s().substring(CONTAINMENT.length()),
        Instant.ofEpochMilli(Long.parseLong(item.get("contained_at").n())),
        item.get("rule").s(),
        Optional.ofNullable(item.get("watermark_before"))
            .map(v -> Instant.ofEpochSecond(Long.parseLong(v.n()))),
        Instant.ofEpochSecond(Long.parseLong(item.get("watermark_after").n())),
        Optional.ofNullable(item.get("released_at"))
            .map(v -> Instant.ofEpochMilli(Long.parseLong(v.n()))));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
