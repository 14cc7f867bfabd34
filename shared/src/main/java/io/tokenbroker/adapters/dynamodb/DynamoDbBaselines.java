package io.tokenbroker.adapters.dynamodb;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.detection.Baselines;
import io.tokenbroker.detection.ClientBaseline;
import io.tokenbroker.errors.ServiceFailure;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Baselines in the detector table: {@code baseline#<client>} with a {@code version} and the state
 * as one JSON attribute (a few hundred bytes), kept {@link #KEEP} after the client's last event.
 */
public final class DynamoDbBaselines implements Baselines {

  /** A client silent this long starts from a fresh baseline. */
  static final Duration KEEP = Duration.ofDays(30);

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbBaselines(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public Optional<ClientBaseline> find(String clientId) {
    Map<String, AttributeValue> item;
    try {
      item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("pk", AttributeValue.fromS("baseline#" + clientId)))
                          .consistentRead(true))
              .item();
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem baseline", e);
    }
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    try {
      Map<String, Object> s = JSONObjectUtils.parse(item.get("state").s());
      Map<String, Integer> refusals = new LinkedHashMap<>();
      JSONObjectUtils.getJSONObject(s, "refusals")
          .forEach((k, v) -> refusals.put(k, ((Number) v).intValue()));
      return Optional.of(
          new ClientBaseline(
              clientId,
              Long.parseLong(item.get("version").n()),
              Instant.ofEpochSecond(JSONObjectUtils.getLong(s, "window_start")),
              JSONObjectUtils.getInt(s, "window_count"),
              ((Number) s.get("average")).doubleValue(),
              s.get("peak") instanceof Number peak ? peak.doubleValue() : 0,
              JSONObjectUtils.getLong(s, "windows_seen"),
              JSONObjectUtils.getLong(s, "issuances"),
              JSONObjectUtils.getStringList(s, "networks"),
              JSONObjectUtils.getStringList(s, "user_agents"),
              JSONObjectUtils.getStringList(s, "audiences"),
              refusals));
    } catch (ParseException | RuntimeException e) {
      throw new ServiceFailure("dynamodb", "baseline of a client unreadable", false, e);
    }
  }

  @Override
  public boolean save(ClientBaseline b) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("window_start", b.windowStart().getEpochSecond());
    state.put("window_count", b.windowCount());
    state.put("average", b.average());
    state.put("peak", b.peak());
    state.put("windows_seen", b.windowsSeen());
    state.put("issuances", b.issuances());
    state.put("networks", List.copyOf(b.networks()));
    state.put("user_agents", List.copyOf(b.userAgents()));
    state.put("audiences", List.copyOf(b.audiences()));
    state.put("refusals", new LinkedHashMap<>(b.refusals()));
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS("baseline#" + b.clientId()));
    item.put("version", AttributeValue.fromN(Long.toString(b.version() + 1)));
    item.put("state", AttributeValue.fromS(JSONObjectUtils.toJSONString(state)));
    item.put(
        BrokerTables.TTL,
        AttributeValue.fromN(Long.toString(b.windowStart().plus(KEEP).getEpochSecond())));
    try {
      if (b.version() == 0) {
        dynamoDb.putItem(
            r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      } else {
        dynamoDb.putItem(
            r ->
                r.tableName(table)
                    .item(item)
                    .conditionExpression("version = :v")
                    .expressionAttributeValues(
                        Map.of(":v", AttributeValue.fromN(Long.toString(b.version())))));
      }
      return true;
    } catch (ConditionalCheckFailedException concurrent) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem baseline", e);
    }
  }
}
