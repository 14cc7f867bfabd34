package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.auth.AssertionReplayGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Single use of client assertions: a conditional put of {@code <client>#<jti>} that fails if the
 * item exists. Items expire by TTL after the assertion itself has (plus clock skew), when a replay
 * would be refused as expired anyway.
 */
public final class DynamoDbAssertionReplayGuard implements AssertionReplayGuard {

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Duration clockSkew;

  public DynamoDbAssertionReplayGuard(DynamoDbClient dynamoDb, String table, Duration clockSkew) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.clockSkew = clockSkew;
  }

  /**
   * The item carries a random id of this call, so that an SDK retry of a put whose first answer was
   * lost (attempt timeout), which then fails its own condition, is still told apart from a replay:
   * the failed put returns the item it collided with (ALL_OLD), so telling costs no read (and the
   * functions' roles need no GetItem on this table).
   */
  @Override
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    AttributeValue id = AttributeValue.fromS(clientId + "#" + jti);
    AttributeValue useId = AttributeValue.fromS(UUID.randomUUID().toString());
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "id",
                          id,
                          "use_id",
                          useId,
                          BrokerTables.TTL,
                          AttributeValue.fromN(
                              Long.toString(expiresAt.plus(clockSkew).getEpochSecond()))))
                  .conditionExpression("attribute_not_exists(id)")
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException used) {
      return used.hasItem() && useId.equals(used.item().get("use_id"));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem assertion", e);
    }
  }
}
