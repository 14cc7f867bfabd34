package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.auth.AssertionReplayGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

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

  @Override
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "id",
                          AttributeValue.fromS(clientId + "#" + jti),
                          BrokerTables.TTL,
                          AttributeValue.fromN(
                              Long.toString(expiresAt.plus(clockSkew).getEpochSecond()))))
                  .conditionExpression("attribute_not_exists(id)"));
      return true;
    } catch (ConditionalCheckFailedException replayed) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem assertion", e);
    }
  }
}
