package io.tokenbroker.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
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
import org.junit.jupiter.api.Test;

/**
 * What every {@link RefreshTokenStore} does, run against the in-memory fake and the DynamoDB tables
 * on moto: all-or-nothing writes with the access token's issuance record, one winner among
 * concurrent rotations, rotations conditional on the revocations table, and a retried write of its
 * own (its first answer lost) that is not a conflict with itself.
 */
public abstract class RefreshTokenStoreContract {

  protected static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  protected abstract RefreshTokenStore store();

  /**
   * The same store, reached through a connection that loses the answer to the first attempt of each
   * write after the store has done it, and then retries the write as the AWS SDK does after an
   * attempt timeout.
   */
  protected abstract RefreshTokenStore storeLosingFirstAnswers();

  /** How many answers {@link #storeLosingFirstAnswers()} has lost so far. */
  protected abstract int lostAnswers();

  /** The issuance records the store writes access tokens' records to. */
  protected abstract IssuanceRepository issuances();

  /** The revocations the store's rotations are conditional on. */
  protected abstract RevocationRepository revocations();

  protected static RefreshFamily family(String id) {
    return family(id, "agent");
  }

  protected static RefreshFamily family(String id, String clientId) {
    return new RefreshFamily(
        id,
        clientId,
        new TreeSet<>(List.of("a", "b")),
        List.of("https://x"),
        Duration.ofMinutes(5),
        NOW,
        NOW.plusSeconds(86400));
  }

  protected static RefreshTokenRecord token(String familyId) {
    return new RefreshTokenRecord(
        UUID.randomUUID().toString(), familyId, "agent", NOW, NOW.plusSeconds(3600), false);
  }

  protected static Issuance issuance(String familyId) {
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
        Optional.empty(),
        AuthMethod.AWS_IAM,
        "role",
        "ip",
        "ua",
        "00".repeat(32),
        NOW.plusSeconds(86400));
  }

  /** A family started, with its first token, ready to rotate. */
  private RefreshTokenRecord started(String id) {
    RefreshTokenRecord first = token(id);
    store().startFamily(family(id), first, issuance(id));
    return first;
  }

  @Test
  void startsAFamilyWithItsFirstTokenAndAccessRecordTogether() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    Issuance access = issuance(id);

    store().startFamily(family(id), first, access);

    assertThat(store().family(id)).contains(family(id));
    assertThat(store().find(first.hash())).contains(first);
    assertThat(issuances().find(access.jti())).contains(access);
  }

  @Test
  void findsNothingForAnUnknownTokenOrFamily() {
    assertThat(store().find(UUID.randomUUID().toString())).isEmpty();
    assertThat(store().family(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void spendsATokenOnceAndStoresItsSuccessor() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);

    store().rotate(family(id), first, second, access);

    assertThat(store().find(first.hash()).orElseThrow().used()).isTrue();
    assertThat(store().find(second.hash())).contains(second);
    assertThat(issuances().find(access.jti())).isPresent();
    Issuance orphan = issuance(id);
    RefreshTokenRecord third = token(id);
    assertThatThrownBy(() -> store().rotate(family(id), first, third, orphan))
        .isInstanceOf(RefreshConflict.class);
    assertThat(issuances().find(orphan.jti()))
        .as("nothing of a lost rotation is written")
        .isEmpty();
    assertThat(store().find(third.hash())).isEmpty();
  }

  @Test
  void aSpentTokenIsAConflictButNotARevokedFamily() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    store().rotate(family(id), first, token(id), issuance(id));

    assertThatThrownBy(() -> store().rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isFalse());
  }

  @Test
  void anUnknownTokenIsAConflictButNotARevokedFamily() {
    String id = UUID.randomUUID().toString();
    started(id);
    RefreshTokenRecord unknown = token(id);
    Issuance access = issuance(id);

    assertThatThrownBy(() -> store().rotate(family(id), unknown, token(id), access))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isFalse());
    assertThat(issuances().find(access.jti())).isEmpty();
  }

  @Test
  void letsOneOfManyConcurrentRotationsWin() throws Exception {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      attempts.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  store().rotate(family(id), first, token(id), issuance(id));
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
    RefreshTokenRecord first = started(id);
    revocations().revokeFamily(id, NOW.plusSeconds(90000), "test");
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);

    assertThatThrownBy(() -> store().rotate(family(id), first, second, access))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isTrue());
    assertThat(store().find(first.hash()).orElseThrow().used()).isFalse();
    assertThat(store().find(second.hash())).isEmpty();
    assertThat(issuances().find(access.jti())).isEmpty();
  }

  @Test
  void refusesToRotateAFamilyStartedBeforeItsClientsWatermarkOnly() {
    String client = "client-" + UUID.randomUUID();
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store().startFamily(family(id, client), first, issuance(id));
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
    store().startFamily(laterFamily, laterFirst, issuance(later));

    revocations().revokeClientTokensBefore(client, NOW.plusSeconds(10), NOW.plusSeconds(90000));

    assertThatThrownBy(() -> store().rotate(family(id, client), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isTrue());
    assertThat(store().find(first.hash()).orElseThrow().used()).isFalse();
    store().rotate(laterFamily, laterFirst, token(later), issuance(later));
    assertThat(store().find(laterFirst.hash()).orElseThrow().used()).isTrue();
  }

  @Test
  void aSpentTokenOfARevokedFamilyIsARevokedFamily() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    store().rotate(family(id), first, token(id), issuance(id));
    revocations().revokeFamily(id, NOW.plusSeconds(90000), "test");

    assertThatThrownBy(() -> store().rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            RefreshConflict.class, conflict -> assertThat(conflict.familyRevoked()).isTrue());
  }

  @Test
  void repeatingARotationIsNotAConflictWithItself() {
    // The port's promise: the store's answer was lost, the caller retried this very rotation.
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);
    store().rotate(family(id), first, second, access);

    store().rotate(family(id), first, second, access);

    assertThat(store().find(second.hash())).contains(second);
    assertThat(issuances().find(access.jti())).contains(access);
    assertThatThrownBy(() -> store().rotate(family(id), first, token(id), issuance(id)))
        .as("another rotation of the spent token is still a conflict")
        .isInstanceOf(RefreshConflict.class);
  }

  @Test
  void repeatingARotationAfterItsFamilyWasRevokedIsStillNotAConflictWithItself() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);
    store().rotate(family(id), first, second, access);
    revocations().revokeFamily(id, NOW.plusSeconds(90000), "test");

    store().rotate(family(id), first, second, access);

    assertThat(store().find(second.hash())).contains(second);
  }

  @Test
  void aRotationWhoseAnswerWasLostIsNotItsOwnConflictWhenRetried() {
    // Found by LocalLoadIT: an attempt timed out after moto committed the rotation; the SDK's retry
    // failed its conditions against the rotation's own writes, and the client's family was revoked
    // as if its refresh token had been reused.
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = started(id);
    RefreshTokenRecord second = token(id);
    Issuance access = issuance(id);
    int lostBefore = lostAnswers();

    storeLosingFirstAnswers().rotate(family(id), first, second, access);

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(store().find(first.hash()).orElseThrow().used()).isTrue();
    assertThat(store().find(second.hash())).contains(second);
    assertThat(issuances().find(access.jti())).contains(access);
    assertThatThrownBy(() -> store().rotate(family(id), first, token(id), issuance(id)))
        .as("a later use of the spent token is still a conflict")
        .isInstanceOf(RefreshConflict.class);
  }

  @Test
  void startsAFamilyWhoseAnswerWasLost() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    Issuance access = issuance(id);
    int lostBefore = lostAnswers();

    storeLosingFirstAnswers().startFamily(family(id), first, access);

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(store().family(id)).contains(family(id));
    assertThat(store().find(first.hash())).contains(first);
    assertThat(issuances().find(access.jti())).contains(access);
  }
}
