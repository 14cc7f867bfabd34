package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.detection.Baselines;
import io.tokenbroker.detection.ContainmentLedger;
import io.tokenbroker.detection.DetectorStoresContract;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbDetectorStoresIT extends DetectorStoresContract {

  private static AwsFixture fixture;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
  }

  @Override
  protected Baselines baselines() {
    return new DynamoDbBaselines(fixture.dynamoDb, fixture.tables.detector());
  }

  @Override
  protected ContainmentLedger freshLedger() {
    String table = fixture.aws.prefix() + "detector-" + UUID.randomUUID();
    new BrokerProvisioner(fixture.dynamoDb)
        .createTable(new BrokerTables.TableSpec(table, "pk", BrokerTables.TTL));
    return new DynamoDbContainmentLedger(fixture.dynamoDb, table);
  }
}
