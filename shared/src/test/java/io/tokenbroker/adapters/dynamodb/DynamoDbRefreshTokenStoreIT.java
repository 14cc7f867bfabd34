package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.refresh.RefreshConflict;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.Issuance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The refresh-token transactions against moto's DynamoDB. */
@ExtendWith(MotoExtension.class)
class DynamoDbRefreshTokenStoreIT {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static DynamoDbRefreshTokenStore store;
  private static DynamoDbIssuanceRepository issuances;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    store =
        new DynamoDbRefreshTokenStore(
            fixture.dynamoDb, fixture.tables.refreshTokens(), fixture.tables.issuances());
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, fixture.tables.issuances());
  }

  private static RefreshFamily family(String id) {
    return new RefreshFamily(
        id,
        "agent",
        new TreeSet<>(List.of("a", "b")),
        List.of("https://x"),
        Duration.ofMinutes(5),
        NOW,
        NOW.plusSeconds(86400),
        false);
  }

  private static RefreshTokenRecord token(String familyId) {
    return new RefreshTokenRecord(
        UUID.randomUUID().toString(), familyId, "agent", NOW, NOW.plusSeconds(3600), false);
  }

  private static Issuance issuance(String familyId) {
    return new Issuance(
        UUID.randomUUID().toString(),
        "agent",
        "agent",
        List.of("https://x"),
        new TreeSet<>(List.of("a")),
        NOW,
        NOW.plusSeconds(300),
        "kid",
        Optional.of(familyId),
        AuthMethod.AWS_IAM,
        "role",
        "ip",
        "ua",
        "00".repeat(32),
        NOW.plusSeconds(86400));
  }

  @Test
  void startsAFamilyWithItsFirstTokenAndAccessRecordTogether() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    Issuance access = issuance(id);

    store.startFamily(family(id), first, access);

    assertThat(store.family(id)).contains(family(id));
    assertThat(store.find(first.hash())).contains(first);
    assertThat(issuances.find(access.jti())).contains(access);
  }

  @Test
  void spendsATokenOnceAndStoresItsSuccessor() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);

    store.rotate(first, second, access);

    assertThat(store.find(first.hash()).orElseThrow().used()).isTrue();
    assertThat(store.find(second.hash())).contains(second);
    assertThat(issuances.find(access.jti())).isPresent();
    Issuance orphan = issuance(id);
    assertThatThrownBy(() -> store.rotate(first, token(id), orphan))
        .isInstanceOf(RefreshConflict.class);
    assertThat(issuances.find(orphan.jti())).as("nothing of a lost rotation is written").isEmpty();
  }

  @Test
  void letsOneOfManyConcurrentRotationsWin() throws Exception {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      attempts.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  store.rotate(first, token(id), issuance(id));
                  return true;
                } catch (RefreshConflict lost) {
                  return false;
                }
              }));
    }
    go.countDown();
    int winners = 0;
    for (Future<Boolean> attempt : attempts) {
      winners += attempt.get() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(winners).isEqualTo(1);
  }

  @Test
  void refusesToRotateInARevokedFamily() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));

    store.revokeFamily(id);
    store.revokeFamily(id);

    assertThat(store.family(id).orElseThrow().revoked()).isTrue();
    assertThatThrownBy(() -> store.rotate(first, token(id), issuance(id)))
        .isInstanceOf(RefreshConflict.class);
  }
}
