package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.RotationLock;
import io.tokenbroker.keys.RotationLockContract;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbRotationLockIT extends RotationLockContract {

  private static DynamoDbRotationLock lock;
  private static LostResponses.Client lossy;
  private static DynamoDbRotationLock onLossyClient;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    lock = new DynamoDbRotationLock(fixture.dynamoDb, fixture.tables.keys());
    lossy = LostResponses.dynamoDb(aws, "PutItem");
    onLossyClient = new DynamoDbRotationLock(lossy.dynamoDb(), fixture.tables.keys());
  }

  @Override
  protected RotationLock lock() {
    return lock;
  }

  @Override
  protected RotationLock lockLosingFirstAnswers() {
    return onLossyClient;
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }
}
