package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.dpop.DpopReplayGuard;
import io.tokenbroker.dpop.DpopReplayGuardContract;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(MotoExtension.class)
class DynamoDbDpopReplayGuardIT extends DpopReplayGuardContract {

  private static final Duration SKEW = Duration.ofSeconds(60);

  private static AwsFixture fixture;
  private static DynamoDbDpopReplayGuard guard;
  private static LostResponses.Client lossy;
  private static DynamoDbDpopReplayGuard onLossyClient;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    guard =
        new DynamoDbDpopReplayGuard(
            new DynamoDbAssertionReplayGuard(fixture.dynamoDb, fixture.tables.assertions(), SKEW));
    lossy = LostResponses.dynamoDb(aws, "PutItem");
    onLossyClient =
        new DynamoDbDpopReplayGuard(
            new DynamoDbAssertionReplayGuard(lossy.dynamoDb(), fixture.tables.assertions(), SKEW));
  }

  @Override
  protected DpopReplayGuard guard() {
    return guard;
  }

  @Override
  protected DpopReplayGuard guardLosingFirstAnswers() {
    return onLossyClient;
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }

  @Override
  protected Optional<Instant> keptUntil(String proofId) {
    return Optional.ofNullable(item("#dpop#" + proofId))
        .map(item -> Instant.ofEpochSecond(Long.parseLong(item.get(BrokerTables.TTL).n())));
  }

  private static Map<String, AttributeValue> item(String id) {
    Map<String, AttributeValue> item =
        fixture
            .dynamoDb
            .getItem(
                r ->
                    r.tableName(fixture.tables.assertions())
                        .key(Map.of("id", AttributeValue.fromS(id)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? null : item;
  }

  @Test
  void keepsAProofInTheAssertionTableUnderItsOwnPrefixForTheSkewPastItsWindow() {
    String id = proofId();

    assertThat(guard.firstUse(id, LAST)).isTrue();

    assertThat(item("#dpop#" + id).get("ttl").n())
        .isEqualTo(Long.toString(LAST.plus(SKEW).getEpochSecond()));
  }

  @Test
  void aClientAssertionWithTheSameIdDoesNotCollide() {
    String id = proofId();
    DynamoDbAssertionReplayGuard assertions =
        new DynamoDbAssertionReplayGuard(fixture.dynamoDb, fixture.tables.assertions(), SKEW);

    assertThat(assertions.firstUse("dpop", id, LAST)).isTrue();
    assertThat(guard.firstUse(id, LAST)).isTrue();
  }
}
