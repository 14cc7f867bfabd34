package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.clients.ClientRepositoryContract;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbClientRepositoryIT extends ClientRepositoryContract {

  private static DynamoDbClientRepository clients;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    clients = new DynamoDbClientRepository(fixture.dynamoDb, fixture.tables.clients());
  }

  @Override
  protected ClientRepository clients() {
    return clients;
  }
}
