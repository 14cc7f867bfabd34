package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.refresh.RefreshConflict;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.tokens.Issuance;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The refresh-tokens table: {@code family#<id>} items (what the grant may carry, its end) and
 * {@code rt#<sha256>} items (one per refresh token, spent or not). Starting a family and rotating a
 * token are each one transaction that also writes the access token's issuance record, so no refresh
 * token exists without its access token's record and none is spent without its successor stored.
 * Whether a family is revoked is the revocations table's to say (its family record, its client's
 * watermark); a rotation is conditional on those records, in the same transaction.
 */
public final class DynamoDbRefreshTokenStore implements RefreshTokenStore {

  /** Kept a day past the family's end, for investigation. */
  private static final Duration AFTERLIFE = Duration.ofDays(1);

  /** Cancellation reasons that mean another writer got there first. */
  private static final Set<String> CONFLICTS =
      Set.of("ConditionalCheckFailed", "TransactionConflict");

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final String issuancesTable;
  private final String revocationsTable;

  public DynamoDbRefreshTokenStore(
      DynamoDbClient dynamoDb, String table, String issuancesTable, String revocationsTable) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.issuancesTable = issuancesTable;
    this.revocationsTable = revocationsTable;
  }

  @Override
  public void startFamily(RefreshFamily family, RefreshTokenRecord first, Issuance accessToken) {
    Map<String, AttributeValue> familyItem = new HashMap<>();
    familyItem.put("pk", s("family#" + family.id()));
    familyItem.put("client_id", s(family.clientId()));
    familyItem.put("scope", s(String.join(" ", family.scopes())));
    familyItem.put(
        "aud",
        AttributeValue.fromL(family.audiences().stream().map(AttributeValue::fromS).toList()));
    familyItem.put("access_lifetime", n(family.accessLifetime().toSeconds()));
    familyItem.put("created_at", n(family.createdAt().getEpochSecond()));
    familyItem.put("expires_at", n(family.expiresAt().getEpochSecond()));
    family.dpopKey().ifPresent(key -> familyItem.put("jkt", s(key.thumbprint())));
    familyItem.put(BrokerTables.TTL, n(family.expiresAt().plus(AFTERLIFE).getEpochSecond()));
    String operation = "TransactWriteItems start refresh family";
    try {
      dynamoDb.transactWriteItems(
          r ->
              r.transactItems(
                  putIfAbsent(table, familyItem),
                  putIfAbsent(table, tokenItem(first, family.expiresAt())),
                  putIfAbsent(issuancesTable, DynamoDbIssuanceRepository.toItem(accessToken))));
    } catch (TransactionCanceledException e) {
      if (collidedWith(e, 2)
          .filter(stored -> DynamoDbIssuanceRepository.isRecorded(accessToken, stored))
          .isPresent()) {
        return; // an SDK retry of our own transaction, whose first answer was lost: it committed
      }
      // Only a 128-bit id or jti collision can make these puts fail their conditions.
      throw new ServiceFailure("dynamodb", operation + " cancelled: " + reasons(e), true, e);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", operation, e);
    }
  }

  @Override
  public Optional<RefreshTokenRecord> find(String hash) {
    return get("rt#" + hash).map(DynamoDbRefreshTokenStore::toRecord);
  }

  @Override
  public Optional<RefreshFamily> family(String familyId) {
    return get("family#" + familyId).map(DynamoDbRefreshTokenStore::toFamily);
  }

  @Override
  public void rotate(
      RefreshFamily family,
      RefreshTokenRecord used,
      RefreshTokenRecord next,
      Issuance accessToken) {
    TransactWriteItem spend =
        TransactWriteItem.builder()
            .update(
                u ->
                    u.tableName(table)
                        .key(Map.of("pk", s("rt#" + used.hash())))
                        .updateExpression("SET used = :true, used_at = :now, replaced_by = :next")
                        .conditionExpression("used = :false")
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .expressionAttributeValues(
                            Map.of(
                                ":true", AttributeValue.fromBool(true),
                                ":false", AttributeValue.fromBool(false),
                                ":now", n(next.issuedAt().getEpochSecond()),
                                ":next", s(next.hash()))))
            .build();
    // Items 1 and 2: the revocations table's records for this family, as authorizers read them.
    TransactWriteItem familyNotRevoked =
        TransactWriteItem.builder()
            .conditionCheck(
                DynamoDbRevocationRepository.familyNotRevoked(revocationsTable, family.id()))
            .build();
    TransactWriteItem clientNotRevoked =
        TransactWriteItem.builder()
            .conditionCheck(
                DynamoDbRevocationRepository.clientNotRevokedSince(
                    revocationsTable, family.clientId(), family.createdAt()))
            .build();
    try {
      dynamoDb.transactWriteItems(
          r ->
              r.transactItems(
                  spend,
                  familyNotRevoked,
                  clientNotRevoked,
                  putIfAbsent(table, tokenItem(next, family.expiresAt())),
                  putIfAbsent(issuancesTable, DynamoDbIssuanceRepository.toItem(accessToken))));
    } catch (TransactionCanceledException e) {
      if (collidedWith(e, 0)
          .map(stored -> stored.get("replaced_by"))
          .filter(s(next.hash())::equals)
          .isPresent()) {
        // An SDK retry of our own transaction, whose first answer was lost (attempt timeout): it
        // committed, and the retry failed its conditions against our own writes. Not a conflict.
        return;
      }
      if (failedCondition(e, 1) || failedCondition(e, 2)) {
        // Revoked between the caller's read and this write: nothing was written.
        throw new RefreshConflict(true);
      }
      if (lostTheRace(e)) {
        // The token was spent meanwhile (or a concurrent transaction held it): this rotation
        // lost, nothing was written.
        throw new RefreshConflict(false);
      }
      // Throttled, over capacity or otherwise cancelled: nothing written, and no sign of reuse.
      throw new ServiceFailure(
          "dynamodb", "TransactWriteItems rotate refresh token cancelled: " + reasons(e), true, e);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "TransactWriteItems rotate refresh token", e);
    }
  }

  /**
   * The item the {@code index}-th write of a cancelled transaction found when its condition failed
   * (every conditional write here asks for it: ALL_OLD), so that telling our own committed write
   * from another's costs no read.
   */
  private static Optional<Map<String, AttributeValue>> collidedWith(
      TransactionCanceledException e, int index) {
    if (!failedCondition(e, index)) {
      return Optional.empty();
    }
    CancellationReason reason = e.cancellationReasons().get(index);
    return reason.hasItem() ? Optional.of(reason.item()) : Optional.empty();
  }

  /**
   * Whether the spend itself (item 0) failed or collided: only that is a lost race for the token. A
   * conflict on the revocation checks (the client's record is shared by all its families, and
   * DynamoDB cancels concurrent transactions that touch one item even if both only check it) says
   * nothing about reuse: the caller gets a retryable failure instead of a revoked family.
   */
  private static boolean lostTheRace(TransactionCanceledException e) {
    return !e.hasCancellationReasons()
        || (!e.cancellationReasons().isEmpty()
            && CONFLICTS.contains(e.cancellationReasons().getFirst().code()));
  }

  private static boolean failedCondition(TransactionCanceledException e, int item) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().size() > item
        && "ConditionalCheckFailed".equals(e.cancellationReasons().get(item).code());
  }

  private static String reasons(TransactionCanceledException e) {
    return e.hasCancellationReasons()
        ? e.cancellationReasons().stream().map(CancellationReason::code).toList().toString()
        : "no reasons given";
  }

  private static TransactWriteItem putIfAbsent(String table, Map<String, AttributeValue> item) {
    String key = item.containsKey("pk") ? "pk" : "jti";
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(" + key + ")")
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD))
        .build();
  }

  private static Map<String, AttributeValue> tokenItem(
      RefreshTokenRecord record, Instant familyEnd) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", s("rt#" + record.hash()));
    item.put("family_id", s(record.familyId()));
    item.put("client_id", s(record.clientId()));
    item.put("issued_at", n(record.issuedAt().getEpochSecond()));
    item.put("idle_expires_at", n(record.idleExpiresAt().getEpochSecond()));
    item.put("used", AttributeValue.fromBool(record.used()));
    item.put(BrokerTables.TTL, n(familyEnd.plus(AFTERLIFE).getEpochSecond()));
    return item;
  }

  private Optional<Map<String, AttributeValue>> get(String pk) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(r -> r.tableName(table).key(Map.of("pk", s(pk))).consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem refresh token", e);
    }
  }

  private static RefreshTokenRecord toRecord(Map<String, AttributeValue> item) {
    return new RefreshTokenRecord(
        item.get("pk").s().substring("rt#".length()),
        item.get("family_id").s(),
        item.get("client_id").s(),
        seconds(item, "issued_at"),
        seconds(item, "idle_expires_at"),
        item.get("used").bool());
  }

  private static RefreshFamily toFamily(Map<String, AttributeValue> item) {
    return new RefreshFamily(
        item.get("pk").s().substring("family#".length()),
        item.get("client_id").s(),
        new TreeSet<>(Arrays.asList(item.get("scope").s().split(" "))),
        item.get("aud").l().stream().map(AttributeValue::s).toList(),
        Duration.ofSeconds(Long.parseLong(item.get("access_lifetime").n())),
        seconds(item, "created_at"),
        seconds(item, "expires_at"),
        java.util.Optional.ofNullable(item.get("jkt"))
            .map(jkt -> new io.tokenbroker.jose.Confirmation.DpopKey(jkt.s())));
  }

  private static Instant seconds(Map<String, AttributeValue> item, String name) {
    return Instant.ofEpochSecond(Long.parseLong(item.get(name).n()));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
