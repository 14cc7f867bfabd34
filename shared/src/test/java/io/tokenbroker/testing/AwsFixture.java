package io.tokenbroker.testing;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Real SDK clients for a test class's {@link LocalAws} endpoint, and its tables (named with the
 * class's unique prefix) provisioned.
 */
public final class AwsFixture {

  public final LocalAws aws;
  public final BrokerTables tables;
  public final DynamoDbClient dynamoDb;
  public final KmsClient kms;

  private AwsFixture(LocalAws aws) {
    this.aws = aws;
    this.tables = BrokerTables.withPrefix(aws.prefix());
    AwsSettings settings = AwsSettings.from(Env.of(aws.environment()), ClientTimeouts.background());
    this.dynamoDb = AwsClients.dynamoDb(settings);
    this.kms = AwsClients.kms(settings);
  }

  /** Clients for the endpoint, tables created. */
  public static AwsFixture provisioned(LocalAws aws) {
    AwsFixture fixture = new AwsFixture(aws);
    new BrokerProvisioner(fixture.dynamoDb).createTables(fixture.tables);
    return fixture;
  }

  /** The environment a function would see in this fixture: AWS settings and table names. */
  public Env env(Map<String, String> more) {
    return Env.of(aws.environment())
        .with(tables.environment())
        .with(Map.of("BROKER_NAME", "test"))
        .with(more);
  }

  /** A first ACTIVE signing key in KMS, as the rotation function's first run makes it. */
  public io.tokenbroker.keys.SigningKey bootstrapKey() {
    io.tokenbroker.adapters.wiring.KeyRotationWiring.fromEnvironment(
            env(Map.of()),
            java.time.Clock.systemUTC(),
            io.tokenbroker.telemetry.Telemetry.discard())
        .rotation()
        .rotate(false);
    return new io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository(dynamoDb, tables.keys())
        .findAll().stream()
            .filter(k -> k.state() == io.tokenbroker.keys.KeyState.ACTIVE)
            .findFirst()
            .orElseThrow();
  }

  /** How many items each table holds now, by table name: to show that something wrote nothing. */
  public Map<String, Integer> itemCounts() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (BrokerTables.TableSpec spec : tables.specs()) {
      counts.put(
          spec.name(),
          dynamoDb
              .scan(r -> r.tableName(spec.name()).select("COUNT").consistentRead(true))
              .count());
    }
    return counts;
  }
}
