package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.Issuance;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbIssuanceRepositoryIT {

  private static DynamoDbIssuanceRepository issuances;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, fixture.tables.issuances());
  }

  private static Issuance issuance(String jti) {
    Instant iat = Instant.parse("2026-11-28T12:00:00Z");
    return new Issuance(
        jti,
        "ci",
        "ci",
        List.of("https://a", "https://b"),
        new TreeSet<>(List.of("orders:read", "orders:write")),
        iat,
        iat.plusSeconds(300),
        "kid-1",
        java.util.Optional.of("family-9"),
        AuthMethod.PRIVATE_KEY_JWT,
        "jwk:abc",
        "203.0.113.7",
        "",
        "ab".repeat(32),
        iat.plusSeconds(300).plusSeconds(86400));
  }

  @Test
  void storesEveryField() {
    Issuance record = issuance("jti-1");

    issuances.record(record);

    assertThat(issuances.find("jti-1")).contains(record);
  }

  @Test
  void refusesASecondRecordForTheSameJti() {
    issuances.record(issuance("jti-2"));

    assertThatThrownBy(() -> issuances.record(issuance("jti-2")))
        .isInstanceOf(ServiceFailure.class);
  }
}
