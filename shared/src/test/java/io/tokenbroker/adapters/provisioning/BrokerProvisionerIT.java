package io.tokenbroker.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.BrokerTables.TableSpec;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

@ExtendWith(MotoExtension.class)
class BrokerProvisionerIT {

  @Test
  void createsEveryTableAsTheTemplateDeclaresIt(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    DynamoDbClient dynamoDb = fixture.dynamoDb;

    for (TableSpec spec : fixture.tables.specs()) {
      TableDescription table = dynamoDb.describeTable(r -> r.tableName(spec.name())).table();
      assertThat(table.keySchema().getFirst().attributeName()).isEqualTo(spec.partitionKey());
      assertThat(
              dynamoDb
                  .describeContinuousBackups(r -> r.tableName(spec.name()))
                  .continuousBackupsDescription()
                  .pointInTimeRecoveryDescription()
                  .pointInTimeRecoveryStatus())
          .isEqualTo(PointInTimeRecoveryStatus.ENABLED);
      if (spec.ttlAttribute() != null) {
        var ttl =
            dynamoDb.describeTimeToLive(r -> r.tableName(spec.name())).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo(spec.ttlAttribute());
        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
      }
    }
  }

  @Test
  void isIdempotent(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    BrokerTables tables = fixture.tables;

    new BrokerProvisioner(fixture.dynamoDb).createTables(tables);

    assertThat(fixture.dynamoDb.listTables().tableNames())
        .filteredOn(name -> name.startsWith(aws.prefix()))
        .hasSize(tables.specs().size());
  }
}
