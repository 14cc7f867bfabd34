package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRepositoryContract;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(MotoExtension.class)
class DynamoDbRevocationRepositoryIT extends RevocationRepositoryContract {

  private static AwsFixture fixture;
  private static DynamoDbRevocationRepository revocations;
  private static LostResponses.Client lossy;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    revocations = new DynamoDbRevocationRepository(fixture.dynamoDb, fixture.tables.revocations());
    lossy = LostResponses.dynamoDb(aws, "PutItem");
  }

  @Override
  protected RevocationRepository repository() {
    return revocations;
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

  @Test
  void readsAllFourKindsOfRevocationInOneCall() {
    revocations.revokeToken("j1", KEEP, "test");
    revocations.revokeKey("k1", KEEP, "test");
    revocations.revokeFamily("f1", KEEP, "test");
    revocations.revokeClientTokensBefore("c1", Instant.parse("2026-11-28T12:00:00Z"), KEEP);

    assertThat(revocations.status("j1", "c1", "k1", Optional.of("f1")))
        .isEqualTo(
            new RevocationStatus(
                true, Optional.of(Instant.parse("2026-11-28T12:00:00Z")), true, true));
    assertThat(revocations.status("j2", "c2", "k2", Optional.of("f2")))
        .isEqualTo(RevocationStatus.NONE);
    assertThat(revocations.status("j2", "c2", "k2", Optional.empty()))
        .isEqualTo(RevocationStatus.NONE);
  }

  @Test
  void acknowledgesARevocationWhoseFirstAnswerWasLostOverAnExpiredRecord() {
    var onLossyClient =
        new DynamoDbRevocationRepository(lossy.dynamoDb(), fixture.tables.revocations());
    String jti = unique("j");
    revocations.revokeToken(jti, EXPIRED, "test");
    int lostBefore = lossy.lost();

    onLossyClient.revokeToken(jti, KEEP, "test");

    assertThat(lossy.lost()).isEqualTo(lostBefore + 1);
    assertThat(keptUntil("jti#" + jti)).contains(KEEP);
  }

  @Test
  void acknowledgesAWatermarkWhoseFirstAnswerWasLost() {
    var onLossyClient =
        new DynamoDbRevocationRepository(lossy.dynamoDb(), fixture.tables.revocations());
    String client = unique("c");
    Instant stale = Instant.parse("2025-12-31T00:00:00Z");
    Instant now = Instant.parse("2026-11-28T12:00:01Z");
    revocations.revokeClientTokensBefore(client, stale, EXPIRED);
    int lostBefore = lossy.lost();

    onLossyClient.revokeClientTokensBefore(client, now, KEEP);
    String fresh = unique("c");
    onLossyClient.revokeClientTokensBefore(fresh, now, KEEP);

    // At least one lost answer each (the merge over the existing record is a second put).
    assertThat(lossy.lost()).isGreaterThanOrEqualTo(lostBefore + 2);
    assertThat(watermark(client)).contains(now);
    assertThat(keptUntil("client#" + client)).contains(KEEP);
    assertThat(watermark(fresh)).contains(now);
    assertThat(keptUntil("client#" + fresh)).contains(KEEP);
  }
}
