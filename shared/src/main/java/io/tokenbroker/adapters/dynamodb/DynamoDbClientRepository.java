package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.json.JsonTree;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The clients table. Two kinds of item share it, told apart by their key:
 *
 * <ul>
 *   <li>{@code pk = client#<id>}: the registration as its JSON document ({@link ClientJson}), and a
 *       version for optimistic locking;
 *   <li>{@code pk = role#<role arn>}: which client that IAM role authenticates as.
 * </ul>
 *
 * A registration and its role items change together in one transaction, so a role never points at a
 * client that does not claim it, and never at two clients.
 */
public final class DynamoDbClientRepository implements ClientRepository {

  private static final String CLIENT = "client#";
  private static final String ROLE = "role#";

  private final DynamoDbClient dynamoDb;
  private final String table;

  public DynamoDbClientRepository(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  @Override
  public Optional<Client> find(String clientId) {
    Map<String, AttributeValue> item = get(CLIENT + clientId);
    return item == null ? Optional.empty() : Optional.of(toClient(item));
  }

  @Override
  public Optional<String> clientIdForRole(String role) {
    Map<String, AttributeValue> item = get(ROLE + role);
    return item == null ? Optional.empty() : Optional.of(item.get("client_id").s());
  }

  @Override
  public Client save(Client client, long expectedVersion) {
    Client stored = client.atVersion(expectedVersion + 1);
    Set<String> previousRoles =
        expectedVersion == 0
            ? Set.of()
            : find(client.clientId()).map(Client::iamRoles).orElse(Set.of());
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(putClient(stored, expectedVersion));
    for (String role : stored.iamRoles()) {
      writes.add(putRole(role, stored.clientId()));
    }
    Set<String> removed = new HashSet<>(previousRoles);
    removed.removeAll(stored.iamRoles());
    for (String role : removed) {
      writes.add(deleteRole(role, stored.clientId()));
    }
    try {
      dynamoDb.transactWriteItems(r -> r.transactItems(writes));
      return stored;
    } catch (TransactionCanceledException e) {
      throw conflict(e, stored);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "TransactWriteItems client", e);
    }
  }

  @Override
  public List<Client> list() {
    try {
      List<Client> clients = new ArrayList<>();
      dynamoDb
          .scanPaginator(
              r ->
                  r.tableName(table)
                      .consistentRead(true)
                      .filterExpression("begins_with(pk, :client)")
                      .expressionAttributeValues(Map.of(":client", s(CLIENT))))
          .items()
          .forEach(item -> clients.add(toClient(item)));
      clients.sort(Comparator.comparing(Client::clientId));
      return clients;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan clients", e);
    }
  }

  private TransactWriteItem putClient(Client client, long expectedVersion) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(
                        Map.of(
                            "pk", s(CLIENT + client.clientId()),
                            "client_id", s(client.clientId()),
                            "policy", s(ClientJson.toJsonString(client)),
                            "version", n(client.version())))
                    .conditionExpression(
                        expectedVersion == 0 ? "attribute_not_exists(pk)" : "version = :expected")
                    .expressionAttributeValues(
                        expectedVersion == 0 ? null : Map.of(":expected", n(expectedVersion))))
        .build();
  }

  private TransactWriteItem putRole(String role, String clientId) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(Map.of("pk", s(ROLE + role), "client_id", s(clientId)))
                    .conditionExpression("attribute_not_exists(pk) OR client_id = :me")
                    .expressionAttributeValues(Map.of(":me", s(clientId))))
        .build();
  }

  private TransactWriteItem deleteRole(String role, String clientId) {
    return TransactWriteItem.builder()
        .delete(
            d ->
                d.tableName(table)
                    .key(Map.of("pk", s(ROLE + role)))
                    .conditionExpression("attribute_not_exists(pk) OR client_id = :me")
                    .expressionAttributeValues(Map.of(":me", s(clientId))))
        .build();
  }

  private static ClientConflict conflict(TransactionCanceledException e, Client client) {
    List<CancellationReason> reasons = e.cancellationReasons();
    if (reasons != null
        && !reasons.isEmpty()
        && "ConditionalCheckFailed".equals(reasons.getFirst().code())) {
      return new ClientConflict(
          "client "
              + client.clientId()
              + " changed concurrently (or already exists): read it again");
    }
    return new ClientConflict(
        "client " + client.clientId() + ": an IAM role is already bound to another client");
  }

  private Map<String, AttributeValue> get(String pk) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(r -> r.tableName(table).key(Map.of("pk", s(pk))).consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? null : item;
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "GetItem client", e);
    }
  }

  private static Client toClient(Map<String, AttributeValue> item) {
    try {
      // JsonTree, not Json.object: the same read without building Nimbus's Gson (issue 13).
      return ClientJson.fromJson(
          JsonTree.object(item.get("policy").s()), Long.parseLong(item.get("version").n()));
    } catch (ParseException | RuntimeException e) {
      // A stored policy that no longer validates is an operator problem, not the caller's.
      throw new ServiceFailure("dynamodb", "unreadable client record", false, e);
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
