package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.operator.OperatorAudit;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The audit table. One partition per UTC month ({@code pk = month#2026-11}), sorted by {@code sk =
 * <instant>#<random>} with the instant in a fixed-width form, so that "the newest first" is a
 * backward Query of this month's partition, then last month's, and so on: at most 15 Queries over
 * the whole retention (a partition per day would need 400 to find a sparse trail's last entry).
 * Operators write far below one partition's limits. Items expire {@link OperatorAudit#RETENTION}
 * after they were written (TTL). Writes never replace an item.
 */
public final class DynamoDbOperatorAudit implements OperatorAudit {

  static final String PK = "pk";
  static final String SK = "sk";

  /** Fixed width (nanoseconds always written), so that the text sorts as the instants do. */
  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Clock clock;

  public DynamoDbOperatorAudit(DynamoDbClient dynamoDb, String table, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.clock = clock;
  }

  @Override
  public void record(AuditEntry entry) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    Map<String, AttributeValue> item =
        Map.of(
            PK,
            s(partition(YearMonth.from(entry.at().atZone(ZoneOffset.UTC)))),
            SK,
            s(SORTABLE.format(entry.at()) + "#" + HexFormat.of().formatHex(random)),
            "id",
            s(entry.id()),
            "at",
            s(entry.at().toString()),
            "actor",
            s(entry.actor()),
            "via",
            s(entry.via()),
            "action",
            s(entry.action()),
            "target",
            s(entry.target()),
            "outcome",
            s(entry.outcome().label()),
            "detail",
            s(entry.detail()));
    Map<String, AttributeValue> withTtl = new java.util.HashMap<>(item);
    withTtl.put(
        BrokerTables.TTL,
        AttributeValue.fromN(Long.toString(entry.at().plus(RETENTION).getEpochSecond())));
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(withTtl)
                  .conditionExpression("attribute_not_exists(" + SK + ")"));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem audit entry", e);
    }
  }

  @Override
  public List<AuditEntry> recent(int limit, Optional<Instant> since) {
    return recentMatching(limit, since, null);
  }

  @Override
  public List<AuditEntry> recentMatching(
      int limit, Optional<Instant> since, java.util.function.Predicate<AuditEntry> filter) {
    OperatorAudit.requireLimit(limit);
    Instant now = clock.instant();
    Instant from = since.orElse(now.minus(RETENTION));
    YearMonth oldest = YearMonth.from(from.atZone(ZoneOffset.UTC));
    List<AuditEntry> entries = new ArrayList<>();
    // From a day ahead: a writer whose clock runs a little fast may have filed an entry there.
    for (YearMonth month = YearMonth.from(now.plus(Duration.ofDays(1)).atZone(ZoneOffset.UTC));
        !month.isBefore(oldest) && entries.size() < limit;
        month = month.minusMonths(1)) {
      queryMonth(month, limit - entries.size(), from, filter, entries);
    }
    return entries;
  }

  /** {@code filter} null: every entry counts, so no more are read than wanted. */
  private void queryMonth(
      YearMonth month,
      int wanted,
      Instant from,
      java.util.function.Predicate<AuditEntry> filter,
      List<AuditEntry> entries) {
    Map<String, AttributeValue> start = null;
    int found = 0;
    do {
      QueryRequest query =
          QueryRequest.builder()
              .tableName(table)
              .scanIndexForward(false)
              .consistentRead(true)
              .limit(filter == null ? wanted - found : OperatorAudit.MAX_LIMIT)
              .exclusiveStartKey(start)
              .keyConditionExpression("#pk = :pk AND #sk >= :from")
              .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
              .expressionAttributeValues(
                  Map.of(":pk", s(partition(month)), ":from", s(SORTABLE.format(from))))
              .build();
      QueryResponse response;
      try {
        response = dynamoDb.query(query);
      } catch (SdkException e) {
        throw AwsFailures.of("dynamodb", "Query audit entries", e);
      }
      for (Map<String, AttributeValue> item : response.items()) {
        AuditEntry entry = entry(item);
        if (found < wanted && (filter == null || filter.test(entry))) {
          entries.add(entry);
          found++;
        }
      }
      start = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty() && found < wanted);
  }

  private static AuditEntry entry(Map<String, AttributeValue> item) {
    return new AuditEntry(
        text(item, "id"),
        Instant.parse(text(item, "at")),
        text(item, "actor"),
        text(item, "via"),
        text(item, "action"),
        text(item, "target"),
        AuditOutcome.fromLabel(text(item, "outcome")),
        text(item, "detail"));
  }

  private static String partition(YearMonth month) {
    return "month#" + month;
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }
}
