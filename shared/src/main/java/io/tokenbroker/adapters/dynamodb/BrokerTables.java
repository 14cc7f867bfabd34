package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.config.Env;
import java.util.List;

/**
 * The names of the broker's DynamoDB tables, and each table's shape (partition key, TTL attribute).
 * template.yaml declares the same tables; a test holds the two in step.
 */
public record BrokerTables(String keys) {

  /** One table's key schema and expiry attribute. */
  public record TableSpec(String name, String partitionKey, String ttlAttribute) {}

  public static BrokerTables from(Env env) {
    return new BrokerTables(env.required("KEYS_TABLE"));
  }

  /** Tables named {@code <prefix>keys}, ...: for local runs and tests. */
  public static BrokerTables withPrefix(String prefix) {
    return new BrokerTables(prefix + "keys");
  }

  /** Environment variables that name these tables, as functions read them. */
  public java.util.Map<String, String> environment() {
    return java.util.Map.of("KEYS_TABLE", keys);
  }

  public List<TableSpec> specs() {
    return List.of(new TableSpec(keys, "kid", null));
  }
}
