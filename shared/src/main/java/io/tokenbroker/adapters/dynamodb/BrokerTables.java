package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.config.Env;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names of the broker's DynamoDB tables, and each table's shape (partition key, TTL attribute).
 * template.yaml declares the same tables; a test holds the two in step.
 *
 * @param keys signing keys and their lifecycle (KEYS_TABLE)
 * @param clients client registrations and IAM role bindings (CLIENTS_TABLE)
 * @param issuances one record per issued access token (ISSUANCES_TABLE)
 * @param assertions used client-assertion ids, until they expire (ASSERTIONS_TABLE)
 * @param revocations revoked tokens, client watermarks and revoked keys (REVOCATIONS_TABLE)
 * @param refreshTokens refresh-token families and tokens, by hash (REFRESH_TOKENS_TABLE)
 * @param audit the operators' audit trail, one partition per month (AUDIT_TABLE)
 * @param detector the anomaly detector's baselines, containments and cap slots (DETECTOR_TABLE)
 */
public record BrokerTables(
    String keys,
    String clients,
    String issuances,
    String assertions,
    String revocations,
    String refreshTokens,
    String audit,
    String detector) {

  /**
   * One table's key schema and expiry attribute (null: items do not expire); {@code sortKey} null
   * when the table has none.
   */
  public record TableSpec(String name, String partitionKey, String ttlAttribute, String sortKey) {
    public TableSpec(String name, String partitionKey, String ttlAttribute) {
      this(name, partitionKey, ttlAttribute, null);
    }
  }

  /** The name of the TTL attribute in every table that expires items. */
  public static final String TTL = "ttl";

  private static final Map<String, String> VARIABLES =
      Map.of(
          "keys", "KEYS_TABLE",
          "clients", "CLIENTS_TABLE",
          "issuances", "ISSUANCES_TABLE",
          "assertions", "ASSERTIONS_TABLE",
          "revocations", "REVOCATIONS_TABLE",
          "refreshTokens", "REFRESH_TOKENS_TABLE",
          "audit", "AUDIT_TABLE",
          "detector", "DETECTOR_TABLE");

  /** Reads every table name; functions that need only some call the reader of each. */
  public static BrokerTables from(Env env) {
    return new BrokerTables(
        keysTable(env),
        env.required("CLIENTS_TABLE"),
        env.required("ISSUANCES_TABLE"),
        assertionsTable(env),
        revocationsTable(env),
        env.required("REFRESH_TOKENS_TABLE"),
        env.required("AUDIT_TABLE"),
        detectorTableIfSet(env).orElse(""));
  }

  /** DETECTOR_TABLE: only the detector and operator tools use it. */
  public static String detectorTable(Env env) {
    return detectorTableIfSet(env).orElseThrow(() -> Env.notSet("DETECTOR_TABLE"));
  }

  private static Optional<String> detectorTableIfSet(Env env) {
    return env.optional("DETECTOR_TABLE");
  }

  /** KEYS_TABLE, required. */
  public static String keysTable(Env env) {
    return keysTableIfSet(env).orElseThrow(() -> Env.notSet("KEYS_TABLE"));
  }

  /** KEYS_TABLE, if set: an authorizer in another account reads keys from a JWKS URL instead. */
  public static Optional<String> keysTableIfSet(Env env) {
    return env.optional("KEYS_TABLE");
  }

  /**
   * ASSERTIONS_TABLE, required: used client-assertion ids, and (prefix {@code #dpop}) used DPoP
   * proofs, which the authorizer records too.
   */
  public static String assertionsTable(Env env) {
    return env.required("ASSERTIONS_TABLE");
  }

  /** REVOCATIONS_TABLE, required: a name, or an ARN for another account's table. */
  public static String revocationsTable(Env env) {
    return env.required("REVOCATIONS_TABLE");
  }

  /** Tables named {@code <prefix>keys}, ...: for local runs and tests. */
  public static BrokerTables withPrefix(String prefix) {
    return new BrokerTables(
        prefix + "keys",
        prefix + "clients",
        prefix + "issuances",
        prefix + "assertions",
        prefix + "revocations",
        prefix + "refresh-tokens",
        prefix + "audit",
        prefix + "detector");
  }

  /** Environment variables that name these tables, as functions read them. */
  public Map<String, String> environment() {
    return Map.of(
        VARIABLES.get("keys"), keys,
        VARIABLES.get("clients"), clients,
        VARIABLES.get("issuances"), issuances,
        VARIABLES.get("assertions"), assertions,
        VARIABLES.get("revocations"), revocations,
        VARIABLES.get("refreshTokens"), refreshTokens,
        VARIABLES.get("audit"), audit,
        VARIABLES.get("detector"), detector);
  }

  public List<TableSpec> specs() {
    return List.of(
        new TableSpec(keys, "kid", null),
        new TableSpec(clients, "pk", null),
        new TableSpec(issuances, "jti", TTL),
        new TableSpec(assertions, "id", TTL),
        new TableSpec(revocations, "pk", TTL),
        new TableSpec(refreshTokens, "pk", TTL),
        // The audit table stays last (DynamoDbOperatorAuditIT takes it so).
        new TableSpec(detector, "pk", TTL),
        new TableSpec(audit, "pk", TTL, "sk"));
  }
}
