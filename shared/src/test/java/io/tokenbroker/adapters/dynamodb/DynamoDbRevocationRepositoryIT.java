package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRepositoryContract;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import io.tokenbroker.testing.RecordedBatchGets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(MotoExtension.class)
class DynamoDbRevocationRepositoryIT extends RevocationRepositoryContract {

  private static AwsFixture fixture;
  private static DynamoDbRevocationRepository revocations;
  private static LostResponses.Client lossy;
  private static RecordedBatchGets.Client recorded;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    // Through a client that records each BatchGetItem's keys: the read units the table charges.
    recorded = RecordedBatchGets.dynamoDb(aws);
    revocations =
        new DynamoDbRevocationRepository(recorded.dynamoDb(), fixture.tables.revocations());
    lossy = LostResponses.dynamoDb(aws, "PutItem");
  }

  @Override
  protected RevocationRepository repository() {
    return revocations;
  }

  @Override
  protected RevocationRepository repositoryLosingFirstAnswers() {
    return new DynamoDbRevocationRepository(lossy.dynamoDb(), fixture.tables.revocations());
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }

  @Override
  protected Set<String> lastKeysRead() {
    return recorded.lastKeys();
  }

  @Override
  protected Optional<Instant> keptUntil(String pk) {
    Map<String, AttributeValue> item =
        fixture
            .dynamoDb
            .getItem(
                r ->
                    r.tableName(fixture.tables.revocations())
                        .key(Map.of("pk", AttributeValue.fromS(pk)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty()
        ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(Long.parseLong(item.get(BrokerTables.TTL).n())));
  }
}
