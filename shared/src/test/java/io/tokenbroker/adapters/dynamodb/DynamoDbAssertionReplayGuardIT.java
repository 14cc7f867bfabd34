package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(MotoExtension.class)
class DynamoDbAssertionReplayGuardIT {

  @Test
  void acceptsEachAssertionIdOncePerClientAndLetsItExpire(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    var guard =
        new DynamoDbAssertionReplayGuard(
            fixture.dynamoDb, fixture.tables.assertions(), Duration.ofSeconds(60));
    Instant exp = Instant.parse("2026-11-28T12:01:00Z");

    assertThat(guard.firstUse("a", "jti-1", exp)).isTrue();
    assertThat(guard.firstUse("a", "jti-1", exp)).isFalse();
    assertThat(guard.firstUse("b", "jti-1", exp)).isTrue();

    Map<String, AttributeValue> item =
        fixture
            .dynamoDb
            .getItem(
                r ->
                    r.tableName(fixture.tables.assertions())
                        .key(Map.of("id", AttributeValue.fromS("a#jti-1"))))
            .item();
    assertThat(item.get("ttl").n()).isEqualTo(Long.toString(exp.plusSeconds(60).getEpochSecond()));
  }

  @Test
  void aFirstUseWhoseWriteAnswerWasLostIsStillTheFirstUse(LocalAws aws) {
    // Under load an attempt can time out after the store wrote the item; the SDK retries the put,
    // which then fails its own condition. That must not read as a replay (401 to a good client).
    AwsFixture fixture = AwsFixture.provisioned(aws);
    LostResponses.Client lossy = LostResponses.dynamoDb(aws, "PutItem");
    var guard =
        new DynamoDbAssertionReplayGuard(
            lossy.dynamoDb(), fixture.tables.assertions(), Duration.ofSeconds(60));
    Instant exp = Instant.parse("2026-11-28T12:01:00Z");

    assertThat(guard.firstUse("a", "jti-lost", exp)).isTrue();
    assertThat(lossy.lost()).isEqualTo(1);
    assertThat(guard.firstUse("a", "jti-lost", exp)).as("a real replay").isFalse();
  }
}
