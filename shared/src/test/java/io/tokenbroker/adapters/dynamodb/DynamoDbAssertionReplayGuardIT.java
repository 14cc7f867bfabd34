package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
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
}
