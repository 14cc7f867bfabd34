package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.federation.OutsideTokenReplayGuard;
import io.tokenbroker.federation.OutsideTokenReplayGuardContract;
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
class DynamoDbOutsideTokenReplayGuardIT extends OutsideTokenReplayGuardContract {

  private static final Duration SKEW = Duration.ofSeconds(60);

  private static AwsFixture fixture;
  private static DynamoDbOutsideTokenReplayGuard guard;
  private static LostResponses.Client lossy;
  private static DynamoDbOutsideTokenReplayGuard onLossyClient;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    guard =
        new DynamoDbOutsideTokenReplayGuard(
            new DynamoDbAssertionReplayGuard(fixture.dynamoDb, fixture.tables.assertions(), SKEW));
    lossy = LostResponses.dynamoDb(aws, "PutItem");
    onLossyClient =
        new DynamoDbOutsideTokenReplayGuard(
            new DynamoDbAssertionReplayGuard(lossy.dynamoDb(), fixture.tables.assertions(), SKEW));
  }

  @Override
  protected OutsideTokenReplayGuard guard() {
    return guard;
  }

  @Override
  protected OutsideTokenReplayGuard guardLosingFirstAnswers() {
    return onLossyClient;
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }

  @Override
  protected Optional<Instant> keptUntil(String tokenId) {
    return Optional.ofNullable(item("#fed#" + tokenId))
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
  void keepsATokenInTheAssertionTableUnderItsOwnPrefixForTheSkewPastItsExpiry() {
    String id = tokenId();

    assertThat(guard.firstUse(id, LAST)).isTrue();

    assertThat(item("#fed#" + id).get("ttl").n())
        .isEqualTo(Long.toString(LAST.plus(SKEW).getEpochSecond()));
  }

  @Test
  void neitherAnAssertionNorADpopProofWithTheSameIdCollides() {
    String id = tokenId();
    DynamoDbAssertionReplayGuard assertions =
        new DynamoDbAssertionReplayGuard(fixture.dynamoDb, fixture.tables.assertions(), SKEW);

    assertThat(assertions.firstUse("fed", id, LAST)).isTrue();
    assertThat(new DynamoDbDpopReplayGuard(assertions).firstUse(id, LAST)).isTrue();
    assertThat(guard.firstUse(id, LAST)).isTrue();
  }
}
