package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.keys.RotationLock;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The key-lifecycle lease: one item in the key table ({@code kid = lock#rotation}), taken by a
 * conditional put that succeeds only if nobody holds an unexpired lease.
 */
public final class DynamoDbRotationLock implements RotationLock {

  private static final String LOCK = DynamoDbKeyRepository.NOT_A_KEY + "rotation";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbRotationLock(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public boolean tryAcquire(String owner, Instant now, Instant until) {
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "kid", AttributeValue.fromS(LOCK),
                          "owner", AttributeValue.fromS(owner),
                          "expires_at", AttributeValue.fromN(Long.toString(until.toEpochMilli()))))
                  .conditionExpression("attribute_not_exists(kid) OR expires_at < :now")
                  .expressionAttributeValues(
                      Map.of(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli()))))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException held) {
      // Held by us if the SDK retried a put whose answer was lost on the way back.
      AttributeValue holder = held.item() == null ? null : held.item().get("owner");
      return holder != null && owner.equals(holder.s());
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem rotation lease", e);
    }
  }

  @Override
  public void release(String owner) {
    try {
      dynamoDb.deleteItem(
          r ->
              r.tableName(table)
                  .key(Map.of("kid", AttributeValue.fromS(LOCK)))
                  .conditionExpression("#owner = :owner")
                  .expressionAttributeNames(Map.of("#owner", "owner"))
                  .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
    } catch (ConditionalCheckFailedException notOurs) {
      // The lease expired and someone else holds it now: not ours to release.
    } catch (SdkException e) {
      // Not released: it expires by itself.
    }
  }
}
