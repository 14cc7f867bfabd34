package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.operator.OperatorAudit;
import io.tokenbroker.operator.OperatorAuditContract;
import io.tokenbroker.testing.AwsFixture;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The audit table on moto; each test gets a table of its own (the contract needs an empty one). */
@ExtendWith(MotoExtension.class)
class DynamoDbOperatorAuditIT extends OperatorAuditContract {

  private static AwsFixture fixture;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
  }

  @Override
  protected OperatorAudit audit(Clock clock) {
    BrokerTables.TableSpec table =
        BrokerTables.withPrefix(fixture.aws.prefix() + UUID.randomUUID() + "-").specs().getLast();
    new BrokerProvisioner(fixture.dynamoDb).createTable(table);
    return new DynamoDbOperatorAudit(fixture.dynamoDb, table.name(), clock);
  }
}
