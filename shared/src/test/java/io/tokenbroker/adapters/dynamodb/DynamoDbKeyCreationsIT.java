package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyCreations;
import io.tokenbroker.keys.KeyCreationsContract;
import io.tokenbroker.testing.AwsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbKeyCreationsIT extends KeyCreationsContract {

  private static DynamoDbKeyCreations creations;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    creations = new DynamoDbKeyCreations(fixture.dynamoDb, fixture.tables.keys());
  }

  @Override
  protected KeyCreations creations() {
    return creations;
  }
}
