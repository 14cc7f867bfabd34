package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.revocation.RevocationStatus;
import io.tokenbroker.testing.AwsFixture;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbRevocationRepositoryIT {

  private static final Instant KEEP = Instant.parse("2026-12-01T00:00:00Z");
  private static DynamoDbRevocationRepository revocations;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    revocations = new DynamoDbRevocationRepository(fixture.dynamoDb, fixture.tables.revocations());
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
  void movesAClientWatermarkOnlyForward() {
    Instant later = Instant.parse("2026-11-28T13:00:00Z");
    revocations.revokeClientTokensBefore("c9", later, KEEP);
    revocations.revokeClientTokensBefore("c9", Instant.parse("2026-11-28T12:00:00Z"), KEEP);

    assertThat(revocations.clientWatermark("c9")).contains(later);
    assertThat(revocations.clientWatermark("nobody")).isEmpty();
  }

  @Test
  void revokesIdempotently() {
    revocations.revokeToken("j9", KEEP, "first");
    revocations.revokeToken("j9", KEEP, "second");

    assertThat(revocations.status("j9", "c", "k", Optional.empty()).tokenRevoked()).isTrue();
  }
}
