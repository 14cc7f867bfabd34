package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.auth.AssertionReplayGuard;
import io.tokenbroker.auth.AssertionReplayGuardContract;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
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
class DynamoDbAssertionReplayGuardIT extends AssertionReplayGuardContract {

  private static AwsFixture fixture;
  private static DynamoDbAssertionReplayGuard guard;
  private static LostResponses.Client lossy;
  private static DynamoDbAssertionReplayGuard onLossyClient;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    guard =
        new DynamoDbAssertionReplayGuard(
            fixture.dynamoDb, fixture.tables.assertions(), Duration.ofSeconds(60));
    lossy = LostResponses.dynamoDb(aws, "PutItem");
    onLossyClient =
        new DynamoDbAssertionReplayGuard(
            lossy.dynamoDb(), fixture.tables.assertions(), Duration.ofSeconds(60));
  }

  @Override
  protected AssertionReplayGuard guard() {
    return guard;
  }

  @Override
  protected AssertionReplayGuard guardLosingFirstAnswers() {
    return onLossyClient;
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }

  @Override
  protected Optional<Instant> keptUntil(String clientId, String jti) {
    return Optional.ofNullable(item(clientId + "#" + jti))
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
  void keepsAUseForTheClockSkewPastTheAssertionsExpiry() {
    Instant exp = Instant.parse("2026-11-28T12:01:00Z");

    assertThat(guard.firstUse("a", "jti-1", exp)).isTrue();

    assertThat(item("a#jti-1").get("ttl").n())
        .isEqualTo(Long.toString(exp.plusSeconds(60).getEpochSecond()));
  }
}
