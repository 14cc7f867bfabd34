package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** The issuances table: one item per access token, keyed by jti, expiring by TTL. */
public final class DynamoDbIssuanceRepository implements IssuanceRepository {

  private static final String CNF_JKT = "cnf_jkt";
  // A token issued by exchange (RFC 8693): what it came from.
  private static final String EXCHANGED = "exchanged";
  private static final String PARENT_JTI = "parent_jti";
  private static final String ACT = "act";
  private static final String OUTSIDE_ISS = "outside_iss";
  private static final String OUTSIDE_SUB = "outside_sub";
  private static final String OUTSIDE_CLAIMS = "outside_claims";
  private static final String OUTSIDE_TOKEN_SHA256 = "outside_token_sha256";
  private static final String CNF_X5T_S256 = "cnf_x5t_s256";
  // Token reuse: how many times the token was handed out (absent: once), and when last.
  private static final String DELIVERIES = "deliveries";
  private static final String LAST_DELIVERED_AT = "last_delivered_at";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbIssuanceRepository(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public void record(Issuance issuance) {
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(toItem(issuance))
                  .conditionExpression("attribute_not_exists(jti)")
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
    } catch (ConditionalCheckFailedException e) {
      if (e.hasItem() && isRecorded(issuance, e.item())) {
        return; // an SDK retry of our own write, whose first answer was lost: it is stored
      }
      throw new ServiceFailure("dynamodb", "jti already recorded", true, e);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "PutItem issuance", e);
    }
  }

  /**
   * Whether {@code stored}, the item a conditional put of {@code issuance} collided with (returned
   * by the failed put: ALL_OLD, no read), is this very record: same jti and same token SHA-256. A
   * write whose answer was lost (attempt timeout) is retried by the SDK and then fails its own
   * condition; that is not a collision. PutItem has no idempotency token, so the stored record
   * itself must tell.
   */
  static boolean isRecorded(Issuance issuance, Map<String, AttributeValue> stored) {
    AttributeValue sha256 = stored.get("token_sha256");
    return sha256 != null && issuance.tokenSha256().equals(sha256.s());
  }

  @Override
  public Optional<Issuance> find(String jti) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("jti", AttributeValue.fromS(jti)))
                          .consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem issuance", e);
    }
  }

  /**
   * One conditional UpdateItem: {@code deliveries} (absent on a record never reused: 1) goes up by
   * one and {@code last_delivered_at} is set, only if the record exists. The stream sees a MODIFY,
   * which the anomaly detector does not count as an issuance.
   */
  @Override
  public void recordDelivery(String jti, Instant at) {
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(Map.of("jti", s(jti)))
                  .updateExpression("SET #d = if_not_exists(#d, :one) + :one, #at = :at")
                  .conditionExpression("attribute_exists(jti)")
                  .expressionAttributeNames(Map.of("#d", DELIVERIES, "#at", LAST_DELIVERED_AT))
                  .expressionAttributeValues(Map.of(":one", n(1), ":at", n(at.getEpochSecond()))));
    } catch (ConditionalCheckFailedException e) {
      throw new ServiceFailure("dynamodb", "no issuance record for a delivery", false, e);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "UpdateItem issuance", e);
    }
  }

  @Override
  public long deliveries(String jti) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("jti", s(jti)))
                          .consistentRead(true)
                          .projectionExpression("jti, #d")
                          .expressionAttributeNames(Map.of("#d", DELIVERIES)))
              .item();
      return deliveries(item);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem issuance", e);
    }
  }

  /** The delivery count an item holds: 1 without the attribute, 0 for no item. */
  private static long deliveries(Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return 0;
    }
    AttributeValue count = item.get(DELIVERIES);
    return count == null ? 1 : Long.parseLong(count.n());
  }

  /** What an operator may look issuances up by, besides the jti (the table's key). */
  public enum Attribute {
    CLIENT_ID("client_id"),
    KID("kid");

    private final String name;

    Attribute(String name) {
      this.name = name;
    }
  }

  /**
   * The records whose {@code attribute} equals {@code value}, issued at or after {@code since},
   * newest first, at most {@code limit}: an incident's "which tokens did this client get, which did
   * this key sign". A filtered Scan of the whole table (it has no index on these: the request path
   * never needs one), so it reads every record kept (IssuanceRetentionDays) once.
   */
  public List<Issuance> matching(
      Attribute attribute, String value, Optional<Instant> since, int limit) {
    Map<String, String> names = new HashMap<>(Map.of("#a", attribute.name));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":v", AttributeValue.fromS(value)));
    String filter = "#a = :v";
    if (since.isPresent()) {
      names.put("#iat", "iat");
      values.put(":since", AttributeValue.fromN(Long.toString(since.get().getEpochSecond())));
      filter += " AND #iat >= :since";
    }
    List<Issuance> found = new ArrayList<>();
    try {
      Map<String, AttributeValue> start = null;
      do {
        var request =
            ScanRequest.builder()
                .tableName(table)
                .filterExpression(filter)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
        if (start != null) {
          request.exclusiveStartKey(start);
        }
        ScanResponse page = dynamoDb.scan(request.build());
        page.items().forEach(item -> found.add(fromItem(item)));
        start =
            page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey()
                : null;
      } while (start != null);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan issuances", e);
    }
    found.sort(Comparator.comparing(Issuance::issuedAt).reversed().thenComparing(Issuance::jti));
    return List.copyOf(found.subList(0, Math.min(limit, found.size())));
  }

  static Map<String, AttributeValue> toItem(Issuance i) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("jti", s(i.jti()));
    item.put("client_id", s(i.clientId()));
    item.put("sub", s(i.subject()));
    item.put(
        "aud", AttributeValue.fromL(i.audiences().stream().map(AttributeValue::fromS).toList()));
    item.put("scope", s(String.join(" ", i.scopes())));
    item.put("iat", n(i.issuedAt().getEpochSecond()));
    item.put("exp", n(i.expiresAt().getEpochSecond()));
    item.put("kid", s(i.kid()));
    i.sessionId().ifPresent(sid -> item.put("sid", s(sid)));
    i.confirmation().ifPresent(cnf -> item.put(cnfAttribute(cnf), s(cnf.thumbprint())));
    item.put("auth_method", s(i.authMethod().name()));
    item.put("caller", s(i.callerIdentity()));
    item.put("source_ip", s(i.sourceIp()));
    item.put("user_agent", s(i.userAgent()));
    item.put("token_sha256", s(i.tokenSha256()));
    item.put(BrokerTables.TTL, n(i.retainUntil().getEpochSecond()));
    i.exchangedFrom().ifPresent(from -> putExchangedFrom(item, from));
    return item;
  }

  private static void putExchangedFrom(Map<String, AttributeValue> item, ExchangedFrom from) {
    item.put(EXCHANGED, AttributeValue.fromBool(true));
    from.parentJti().ifPresent(jti -> item.put(PARENT_JTI, s(jti)));
    from.actorChain().ifPresent(act -> item.put(ACT, s(act)));
    from.outsideIdentity()
        .ifPresent(
            outside -> {
              item.put(OUTSIDE_ISS, s(outside.issuer()));
              item.put(OUTSIDE_SUB, s(outside.subject()));
              Map<String, AttributeValue> claims = new HashMap<>();
              outside.matchedClaims().forEach((name, value) -> claims.put(name, s(value)));
              item.put(OUTSIDE_CLAIMS, AttributeValue.fromM(claims));
              item.put(OUTSIDE_TOKEN_SHA256, s(outside.tokenSha256()));
            });
  }

  private static Optional<ExchangedFrom> exchangedFrom(Map<String, AttributeValue> item) {
    if (!item.containsKey(EXCHANGED)) {
      return Optional.empty();
    }
    Optional<ExchangedFrom.OutsideIdentity> outside =
        Optional.ofNullable(item.get(OUTSIDE_ISS))
            .map(
                iss -> {
                  java.util.SortedMap<String, String> claims = new java.util.TreeMap<>();
                  item.get(OUTSIDE_CLAIMS)
                      .m()
                      .forEach((name, value) -> claims.put(name, value.s()));
                  return new ExchangedFrom.OutsideIdentity(
                      iss.s(),
                      item.get(OUTSIDE_SUB).s(),
                      claims,
                      item.get(OUTSIDE_TOKEN_SHA256).s());
                });
    return Optional.of(
        new ExchangedFrom(
            outside,
            Optional.ofNullable(item.get(PARENT_JTI)).map(AttributeValue::s),
            Optional.ofNullable(item.get(ACT)).map(AttributeValue::s)));
  }

  static Issuance fromItem(Map<String, AttributeValue> item) {
    return new Issuance(
        item.get("jti").s(),
        item.get("client_id").s(),
        item.get("sub").s(),
        item.get("aud").l().stream().map(AttributeValue::s).toList(),
        new TreeSet<>(Arrays.asList(item.get("scope").s().split(" "))),
        Instant.ofEpochSecond(Long.parseLong(item.get("iat").n())),
        Instant.ofEpochSecond(Long.parseLong(item.get("exp").n())),
        item.get("kid").s(),
        Optional.ofNullable(item.get("sid")).map(AttributeValue::s),
        confirmation(item),
        AuthMethod.valueOf(item.get("auth_method").s()),
        item.get("caller").s(),
        item.get("source_ip").s(),
        item.get("user_agent").s(),
        item.get("token_sha256").s(),
        Instant.ofEpochSecond(Long.parseLong(item.get(BrokerTables.TTL).n())),
        exchangedFrom(item));
  }

  /** The binding, one attribute per kind, so that a scan can filter on either. */
  private static String cnfAttribute(Confirmation cnf) {
    return switch (cnf) {
      case Confirmation.DpopKey dpop -> CNF_JKT;
      case Confirmation.ClientCertificate certificate -> CNF_X5T_S256;
    };
  }

  private static java.util.Optional<Confirmation> confirmation(Map<String, AttributeValue> item) {
    if (item.containsKey(CNF_JKT)) {
      return Optional.of(new Confirmation.DpopKey(item.get(CNF_JKT).s()));
    }
    if (item.containsKey(CNF_X5T_S256)) {
      return Optional.of(new Confirmation.ClientCertificate(item.get(CNF_X5T_S256).s()));
    }
    return Optional.empty();
  }

  private static AttributeValue s(String value) {
    // DynamoDB refuses empty strings in key attributes only; keep records uniform anyway.
    return AttributeValue.fromS(value == null ? "" : value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
