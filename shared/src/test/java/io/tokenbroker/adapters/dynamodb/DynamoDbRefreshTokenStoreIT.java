package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.refresh.RefreshConflict;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import io.tokenbroker.tokens.Issuance;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The refresh-token transactions against moto's DynamoDB. */
@ExtendWith(MotoExtension.class)
class DynamoDbRefreshTokenStoreIT {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static DynamoDbRefreshTokenStore store;
  private static DynamoDbIssuanceRepository issuances;
  private static DynamoDbRevocationRepository revocations;
  private static AwsFixture fixture;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    store =
        new DynamoDbRefreshTokenStore(
            fixture.dynamoDb,
            fixture.tables.refreshTokens(),
            fixture.tables.issuances(),
            fixture.tables.revocations());
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, fixture.tables.issuances());
    revocations = new DynamoDbRevocationRepository(fixture.dynamoDb, fixture.tables.revocations());
  }

  private static RefreshFamily family(String id) {
    return family(id, "agent");
  }

  private static RefreshFamily family(String id, String clientId) {
    return new RefreshFamily(
        id,
        clientId,
        new TreeSet<>(List.of("a", "b")),
        List.of("https://x"),
        Duration.ofMinutes(5),
        NOW,
        NOW.plusSeconds(86400));
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

    store.rotate(family(id), first, second, access);

    assertThat(store.find(first.hash()).orElseThrow().used()).isTrue();
    assertThat(store.find(second.hash())).contains(second);
    assertThat(issuances.find(access.jti())).isPresent();
    Issuance orphan = issuance(id);
    assertThatThrownBy(() -> store.rotate(family(id), first, token(id), orphan))
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
                  store.rotate(family(id), first, token(id), issuance(id));
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

  /**
   * The revocations table is the one source of truth: a family revoked there (as the revocation
   * endpoint, reuse detection and an operator's revocation by client write it) between the caller's
   * read and the rotation is not rotated, and nothing is written.
   */
  @Test
  void refusesToRotateAFamilyTheRevocationsTableRevokes() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    revocations.revokeFamily(id, NOW.plusSeconds(90000), "test");
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);

    assertThatThrownBy(() -> store.rotate(family(id), first, second, access))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
    assertThat(store.find(second.hash())).isEmpty();
    assertThat(issuances.find(access.jti())).isEmpty();
  }

  @Test
  void refusesToRotateAFamilyStartedBeforeItsClientsWatermarkOnly() {
    String client = "client-" + UUID.randomUUID();
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id, client), first, issuance(id));
    String later = UUID.randomUUID().toString();
    RefreshTokenRecord laterFirst = token(later);
    RefreshFamily laterFamily =
        new RefreshFamily(
            later,
            client,
            new TreeSet<>(List.of("a")),
            List.of("https://x"),
            Duration.ofMinutes(5),
            NOW.plusSeconds(10),
            NOW.plusSeconds(86400));
    store.startFamily(laterFamily, laterFirst, issuance(later));

    revocations.revokeClientTokensBefore(client, NOW.plusSeconds(10), NOW.plusSeconds(90000));

    assertThatThrownBy(() -> store.rotate(family(id, client), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
    store.rotate(laterFamily, laterFirst, token(later), issuance(later));
    assertThat(store.find(laterFirst.hash()).orElseThrow().used()).isTrue();
  }

  @Test
  void aSpentTokenIsAConflictButNotARevokedFamily() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    store.rotate(family(id), first, token(id), issuance(id));

    assertThatThrownBy(() -> store.rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isFalse());
  }

  /**
   * The fixture's client, except that every TransactWriteItems is cancelled with these reasons, one
   * per item, as DynamoDB reports a cancelled transaction.
   */
  private static DynamoDbClient cancellingTransactionsWith(String... codes) {
    CancellationReason[] reasons = new CancellationReason[codes.length];
    for (int i = 0; i < codes.length; i++) {
      reasons[i] = CancellationReason.builder().code(codes[i]).build();
    }
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(),
            new Class<?>[] {DynamoDbClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("transactWriteItems")) {
                throw TransactionCanceledException.builder()
                    .message("Transaction cancelled")
                    .cancellationReasons(reasons)
                    .build();
              }
              try {
                return method.invoke(fixture.dynamoDb, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static DynamoDbRefreshTokenStore storeOn(DynamoDbClient dynamoDb) {
    return new DynamoDbRefreshTokenStore(
        dynamoDb,
        fixture.tables.refreshTokens(),
        fixture.tables.issuances(),
        fixture.tables.revocations());
  }

  @Test
  void aRotationWhoseAnswerWasLostIsNotItsOwnConflictWhenRetried(LocalAws aws) {
    // Found by LocalLoadIT: an attempt timed out after moto committed the rotation; the SDK's retry
    // failed its conditions against the rotation's own writes, and the client's family was revoked
    // as if its refresh token had been reused.
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    LostResponses.Client lossy = LostResponses.dynamoDb(aws, "TransactWriteItems");
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);

    storeOn(lossy.dynamoDb()).rotate(family(id), first, second, access);

    assertThat(lossy.lost()).isEqualTo(1);
    assertThat(store.find(first.hash()).orElseThrow().used()).isTrue();
    assertThat(store.find(second.hash())).contains(second);
    assertThat(issuances.find(access.jti())).contains(access);
    assertThatThrownBy(() -> store.rotate(family(id), first, token(id), issuance(id)))
        .as("a later use of the spent token is still a conflict")
        .isInstanceOf(RefreshConflict.class);
  }

  @Test
  void startsAFamilyWhoseAnswerWasLost(LocalAws aws) {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    Issuance access = issuance(id);
    LostResponses.Client lossy = LostResponses.dynamoDb(aws, "TransactWriteItems");

    storeOn(lossy.dynamoDb()).startFamily(family(id), first, access);

    assertThat(lossy.lost()).isEqualTo(1);
    assertThat(store.find(first.hash())).contains(first);
    assertThat(issuances.find(access.jti())).contains(access);
  }

  /**
   * Every family of a client checks the client's one revocation record, and DynamoDB cancels a
   * transaction that touches an item another transaction holds ({@code TransactionConflict}), even
   * a condition check: two refreshes of different families of one client at the same moment. That
   * is no reuse of this token: a retryable failure, never a revoked family.
   */
  @Test
  void aConflictOnTheClientsRevocationRecordIsRetryableNotReuse() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    DynamoDbClient contended =
        cancellingTransactionsWith("None", "None", "TransactionConflict", "None", "None");

    assertThatThrownBy(() -> storeOn(contended).rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            ServiceFailure.class, failure -> assertThat(failure.retryable()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
  }

  @Test
  void aRotationCancelledByThrottlingIsARetryableFailureNotAConflict() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    DynamoDbClient throttled =
        cancellingTransactionsWith("ThrottlingError", "None", "None", "None");

    assertThatThrownBy(() -> storeOn(throttled).rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            ServiceFailure.class, failure -> assertThat(failure.retryable()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
  }
}
