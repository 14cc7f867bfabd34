package io.tokenbroker.cli.console;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.keys.SigningKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * What the console's views show, read from the broker's tables with the operator's credentials.
 * Each view is a list of rows (JSON objects); nothing here writes. No view carries a token, a
 * token's hash, a KMS key reference or a caller's user agent: the console has no use for them.
 */
public final class ConsoleViews {

  /**
   * The most issuance items one view reads. The table has no index by time, so "recent" is the
   * newest of at most this many items a Scan returns (in hash order, not time order): exact while
   * the table holds fewer, a sample beyond.
   */
  public static final int ISSUANCES_SCANNED = 1000;

  /** The most issuance rows shown. */
  public static final int ISSUANCES_SHOWN = 100;

  /** The most revocation items one view reads (the table holds only unexpired revocations). */
  public static final int REVOCATIONS_SCANNED = 1000;

  private final BrokerAdapters adapters;
  private final Tables tables;

  /** The tables the console reads (and its actions write, through brokerctl's commands). */
  public record Tables(String clients, String keys, String issuances, String revocations) {}

  public ConsoleViews(BrokerAdapters adapters, Tables tables) {
    this.adapters = adapters;
    this.tables = tables;
  }

  /** Every client with its policy: how it authenticates, what it may ask for, for how long. */
  public List<Map<String, Object>> clients() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Client client : new ClientAdmin(adapters.clients(tables.clients())).list()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("client_id", client.clientId());
      row.put("description", client.description());
      row.put("enabled", client.enabled());
      row.put("subject", client.subject());
      row.put("iam_roles", new ArrayList<>(new TreeSet<>(client.iamRoles())));
      row.put(
          "key_ids",
          client.publicKeys().getKeys().stream().map(k -> String.valueOf(k.getKeyID())).toList());
      row.put("scopes", new ArrayList<>(client.scopes()));
      row.put("default_scopes", new ArrayList<>(client.defaultScopes()));
      row.put("audiences", new ArrayList<>(client.audiences()));
      row.put("default_lifetime_seconds", client.defaultLifetime().toSeconds());
      row.put("max_lifetime_seconds", client.maxLifetime().toSeconds());
      row.put("refresh_enabled", client.refresh().enabled());
      row.put("refresh_absolute_seconds", client.refresh().absoluteLifetime().toSeconds());
      row.put("refresh_idle_seconds", client.refresh().idleLifetime().toSeconds());
      row.put("introspection", client.mayIntrospect());
      row.put("version", client.version());
      rows.add(row);
    }
    rows.sort(Comparator.comparing(r -> (String) r.get("client_id")));
    return rows;
  }

  /** Every signing key with its lifecycle times, oldest first (the timeline's rows). */
  public List<Map<String, Object>> keys() {
    return adapters.keys(tables.keys()).findAll().stream()
        .sorted(Comparator.comparing(SigningKey::createdAt))
        .map(
            k -> {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("kid", k.kid());
              row.put("state", k.state().name());
              row.put("algorithm", k.algorithm().getName());
              row.put("created_at", time(k.createdAt()));
              row.put("activated_at", time(k.activatedAt()));
              row.put("retired_at", time(k.retiredAt()));
              row.put("withdrawn_at", time(k.withdrawnAt()));
              return row;
            })
        .toList();
  }

  /**
   * The newest issuances among at most {@link #ISSUANCES_SCANNED} items, newest first; {@code
   * complete} says whether the scan saw the whole table.
   */
  public Map<String, Object> issuances() {
    Scanned scanned = scan(tables.issuances(), ISSUANCES_SCANNED);
    Map<String, Map<String, AttributeValue>> revoked = new java.util.HashMap<>();
    for (Map<String, AttributeValue> item :
        scan(tables.revocations(), REVOCATIONS_SCANNED).items()) {
      revoked.put(text(item, "pk"), item);
    }
    List<Map<String, Object>> rows =
        scanned.items().stream()
            .sorted(
                Comparator.comparingLong((Map<String, AttributeValue> i) -> number(i, "iat"))
                    .reversed())
            .limit(ISSUANCES_SHOWN)
            .map(
                item -> {
                  Map<String, Object> row = issuance(item);
                  row.put("revoked", revokedBy(item, revoked));
                  return row;
                })
            .toList();
    return Map.of("rows", rows, "complete", scanned.complete(), "scanned", scanned.items().size());
  }

  /** Every revocation the table holds (at most {@link #REVOCATIONS_SCANNED}), newest first. */
  public Map<String, Object> revocations() {
    Scanned scanned = scan(tables.revocations(), REVOCATIONS_SCANNED);
    List<Map<String, Object>> rows =
        scanned.items().stream()
            .map(ConsoleViews::revocation)
            .sorted(
                Comparator.comparing((Map<String, Object> r) -> (String) r.get("revoked_at"))
                    .reversed())
            .toList();
    return Map.of("rows", rows, "complete", scanned.complete());
  }

  private static Map<String, Object> issuance(Map<String, AttributeValue> item) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("jti", text(item, "jti"));
    row.put("client_id", text(item, "client_id"));
    row.put("subject", text(item, "sub"));
    row.put("scope", text(item, "scope"));
    row.put(
        "audiences",
        item.containsKey("aud")
            ? item.get("aud").l().stream().map(AttributeValue::s).toList()
            : List.of());
    row.put("issued_at", Instant.ofEpochSecond(number(item, "iat")).toString());
    row.put("expires_at", Instant.ofEpochSecond(number(item, "exp")).toString());
    row.put("kid", text(item, "kid"));
    row.put("auth_method", text(item, "auth_method"));
    row.put("source_ip", text(item, "source_ip"));
    row.put("session", item.containsKey("sid"));
    row.put("outside", outside(item));
    return row;
  }

  /**
   * Federation: the outside identity that got the token (issuer, subject, the claims its trust
   * policy matched, the outside token's SHA-256), or null: "which CI job got this token".
   */
  private static Map<String, Object> outside(Map<String, AttributeValue> item) {
    if (!item.containsKey("outside_iss")) {
      return null;
    }
    Map<String, Object> outside = new LinkedHashMap<>();
    outside.put("issuer", text(item, "outside_iss"));
    outside.put("subject", text(item, "outside_sub"));
    Map<String, Object> claims = new java.util.TreeMap<>();
    if (item.containsKey("outside_claims")) {
      item.get("outside_claims").m().forEach((name, value) -> claims.put(name, value.s()));
    }
    outside.put("claims", claims);
    outside.put("token_sha256", text(item, "outside_token_sha256"));
    return outside;
  }

  /**
   * What revokes this issued token, as the verifiers' revocation check reads it (the token, its
   * client's watermark, its signing key; a refresh family's revocation is not shown), or "".
   */
  private static String revokedBy(
      Map<String, AttributeValue> issuance, Map<String, Map<String, AttributeValue>> revoked) {
    if (revoked.containsKey("jti#" + text(issuance, "jti"))) {
      return "token";
    }
    Map<String, AttributeValue> client = revoked.get("client#" + text(issuance, "client_id"));
    if (client != null && number(issuance, "iat") < number(client, "revoked_before")) {
      return "client";
    }
    return revoked.containsKey("key#" + text(issuance, "kid")) ? "key" : "";
  }

  /** A revocation item: its kind and identifier from the pk ({@code client#billing}). */
  private static Map<String, Object> revocation(Map<String, AttributeValue> item) {
    String pk = text(item, "pk");
    int hash = pk.indexOf('#');
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", hash < 0 ? "" : pk.substring(0, hash));
    row.put("id", hash < 0 ? pk : pk.substring(hash + 1));
    row.put("revoked_at", text(item, "revoked_at"));
    row.put(
        "revoked_before",
        item.containsKey("revoked_before")
            ? Instant.ofEpochSecond(number(item, "revoked_before")).toString()
            : null);
    row.put("reason", text(item, "reason"));
    row.put("kept_until", Instant.ofEpochSecond(number(item, BrokerTables.TTL)).toString());
    return row;
  }

  private record Scanned(List<Map<String, AttributeValue>> items, boolean complete) {}

  /** At most {@code max} items of {@code table}, page by page (eventually consistent reads). */
  private Scanned scan(String table, int max) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        Map<String, AttributeValue> from = start;
        ScanResponse page =
            adapters
                .dynamoDb()
                .scan(r -> r.tableName(table).limit(max - items.size()).exclusiveStartKey(from));
        items.addAll(page.items());
        start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
      } while (start != null && items.size() < max);
    } catch (SdkException e) {
      throw AwsFailures.of("dynamodb", "Scan " + table, e);
    }
    return new Scanned(items, start == null);
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0L : Long.parseLong(value.n());
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
