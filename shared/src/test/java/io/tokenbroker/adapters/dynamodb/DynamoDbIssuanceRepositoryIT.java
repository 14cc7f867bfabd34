package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import io.tokenbroker.tokens.IssuanceRepository;
import io.tokenbroker.tokens.IssuanceRepositoryContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbIssuanceRepositoryIT extends IssuanceRepositoryContract {

  private static DynamoDbIssuanceRepository issuances;
  private static LostResponses.Client lossy;
  private static DynamoDbIssuanceRepository onLossyClient;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, fixture.tables.issuances());
    lossy = LostResponses.dynamoDb(aws, "PutItem");
    onLossyClient = new DynamoDbIssuanceRepository(lossy.dynamoDb(), fixture.tables.issuances());
  }

  @Override
  protected IssuanceRepository issuances() {
    return issuances;
  }

  @Override
  protected IssuanceRepository issuancesLosingFirstAnswers() {
    return onLossyClient;
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }
}
