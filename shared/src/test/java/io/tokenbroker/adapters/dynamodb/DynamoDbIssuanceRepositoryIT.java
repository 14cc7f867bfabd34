package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
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
  private static String table;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    table = fixture.tables.issuances();
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, table);
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
    Issuance collision = issuance("jti-2");
    Issuance other =
        new Issuance(
            collision.jti(),
            collision.clientId(),
            collision.subject(),
            collision.audiences(),
            collision.scopes(),
            collision.issuedAt(),
            collision.expiresAt(),
            collision.kid(),
            collision.sessionId(),
            collision.authMethod(),
            collision.callerIdentity(),
            collision.sourceIp(),
            collision.userAgent(),
            "cd".repeat(32), // another token with the same jti
            collision.retainUntil());

    assertThatThrownBy(() -> issuances.record(other)).isInstanceOf(ServiceFailure.class);
    assertThat(issuances.find("jti-2")).contains(issuance("jti-2"));
  }

  @Test
  void recordsATokenWhoseFirstWriteAnswerWasLostOnceWithoutFailing(LocalAws aws) {
    // Found by LocalLoadIT: under load an attempt timed out after moto had stored the record; the
    // SDK's retry then failed its condition and the caller got a 503 for a stored token.
    LostResponses.Client lossy = LostResponses.dynamoDb(aws, "PutItem");
    var retrying = new DynamoDbIssuanceRepository(lossy.dynamoDb(), table);
    Issuance record = issuance("jti-3");

    retrying.record(record);

    assertThat(lossy.lost()).isEqualTo(1);
    assertThat(issuances.find("jti-3")).contains(record);
  }
}
