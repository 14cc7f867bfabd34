package io.tokenbroker.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.verify.AccessTokenReason;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link RevocationRepository} does, run against the in-memory fake and the DynamoDB
 * table on moto. Neither forgets an expired record by itself (DynamoDB's TTL sweep can lag by days;
 * moto never sweeps), which is exactly the state these tests set up.
 */
public abstract class RevocationRepositoryContract {

  /** Long past: a record kept until then is expired but may still be read. */
  protected static final Instant EXPIRED = Instant.parse("2026-01-01T00:00:00Z");

  protected static final Instant KEEP = Instant.parse("2026-12-01T00:00:00Z");
  protected static final Instant KEEP_LONGER = Instant.parse("2026-12-31T00:00:00Z");

  protected abstract RevocationRepository repository();

  /**
   * The same table, reached through a connection that loses the answer to the first attempt of each
   * write after the store has done it, and then retries the write as the AWS SDK does after an
   * attempt timeout.
   */
  protected abstract RevocationRepository repositoryLosingFirstAnswers();

  /** How many answers {@link #repositoryLosingFirstAnswers()} has lost so far. */
  protected abstract int lostAnswers();

  /** The record's TTL as stored, by the table's key ({@code jti#..}, {@code client#..}, ...). */
  protected abstract Optional<Instant> keptUntil(String pk);

  /** The keys ({@code jti#..}, {@code client#..}, ...) the last status read asked the table for. */
  protected abstract java.util.Set<String> lastKeysRead();

  /** The client's watermark, as a refresh family's read sees it. */
  protected Optional<Instant> watermark(String clientId) {
    return repository().familyStatus(clientId, unique("no-family")).clientRevokedBefore();
  }

  protected static String unique(String prefix) {
    return prefix + UUID.randomUUID();
  }

  static void revoke(RevocationRepository repository, String kind, String id, Instant keepUntil) {
    switch (kind) {
      case "jti" -> repository.revokeToken(id, keepUntil, "test");
      case "key" -> repository.revokeKey(id, keepUntil, "test");
      case "family" -> repository.revokeFamily(id, keepUntil, "test");
      default -> throw new IllegalArgumentException(kind);
    }
  }

  private boolean revoked(String kind, String id) {
    RevocationStatus status =
        repository()
            .status(
                kind.equals("jti") ? id : "other-jti",
                "other-client",
                kind.equals("key") ? id : "other-kid",
                Optional.of(kind.equals("family") ? id : "other-family"));
    return switch (kind) {
      case "jti" -> status.tokenRevoked();
      case "key" -> status.keyRevoked();
      default -> status.familyRevoked();
    };
  }

  private static io.tokenbroker.jose.Ancestor ancestor(
      String jti, String client, Instant iat, String kid, Optional<String> sid) {
    return new io.tokenbroker.jose.Ancestor(jti, client, iat, kid, sid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jti", "key", "family"})
  void readsEachAncestorsJtiSigningKeyAndRefreshFamilyInTheSameCall(String kind) {
    String jti = unique("j");
    String client = unique("c");
    String kid = unique("k");
    String family = unique("f");
    String ancestorId = unique("p");
    String ancestorKid = unique("ak");
    String ancestorFamily = unique("af");
    Instant iat = Instant.parse("2026-11-28T12:00:00Z");
    // Six ancestors, the most a token carries, sharing the token's own client, key and family
    // (BatchGetItem refuses repeated keys): one of them is the ancestor under test.
    java.util.List<io.tokenbroker.jose.Ancestor> lineage = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lineage.add(ancestor(unique("q"), client, iat, kid, Optional.of(family)));
    }
    lineage.add(ancestor(ancestorId, unique("a"), iat, ancestorKid, Optional.of(ancestorFamily)));
    assertThat(repository().status(jti, client, kid, Optional.of(family), lineage))
        .isEqualTo(RevocationStatus.NONE);

    revoke(
        repository(),
        kind,
        switch (kind) {
          case "jti" -> ancestorId;
          case "key" -> ancestorKid;
          default -> ancestorFamily;
        },
        KEEP);

    assertThat(repository().status(jti, client, kid, Optional.of(family), lineage))
        .isEqualTo(new RevocationStatus(false, Optional.empty(), false, false, true, false));
    // without its lineage the same token is not revoked: the ancestors are what revoke it
    assertThat(repository().status(jti, client, kid, Optional.of(family)))
        .isEqualTo(RevocationStatus.NONE);
  }

  @org.junit.jupiter.api.Test
  void appliesEachAncestorsClientWatermarkToThatAncestorsOwnIssueTime() {
    String jti = unique("j");
    String client = unique("c");
    String kid = unique("k");
    String userClient = unique("user");
    String agentClient = unique("agent");
    Instant grandparentIat = Instant.parse("2026-11-28T12:00:00Z");
    Instant parentIat = Instant.parse("2026-11-28T12:10:00Z");
    java.util.List<io.tokenbroker.jose.Ancestor> lineage =
        java.util.List.of(
            ancestor(unique("g"), userClient, grandparentIat, unique("k1"), Optional.empty()),
            ancestor(unique("p"), agentClient, parentIat, kid, Optional.empty()));

    // Watermarks at each ancestor's own iat revoke neither (issued before, not at, the mark) ...
    repository().revokeClientTokensBefore(userClient, grandparentIat, KEEP);
    repository().revokeClientTokensBefore(agentClient, parentIat, KEEP);
    assertThat(repository().status(jti, client, kid, Optional.empty(), lineage))
        .isEqualTo(RevocationStatus.NONE);

    // ... one second later the ancestor is revoked, and so is the token, whatever its own iat.
    repository().revokeClientTokensBefore(userClient, grandparentIat.plusSeconds(1), KEEP);
    assertThat(repository().status(jti, client, kid, Optional.empty(), lineage))
        .isEqualTo(new RevocationStatus(false, Optional.empty(), false, false, false, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jti", "key", "family"})
  void extendsAnExpiredRecordStillPresentToCoverANewRevocation(String kind) {
    String id = unique(kind);
    revoke(repository(), kind, id, EXPIRED);

    revoke(repository(), kind, id, KEEP);

    assertThat(keptUntil(kind + "#" + id)).contains(KEEP);
    assertThat(revoked(kind, id)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jti", "key", "family"})
  void neverShortensWhatARevocationCovers(String kind) {
    String id = unique(kind);
    revoke(repository(), kind, id, KEEP_LONGER);

    revoke(repository(), kind, id, KEEP);

    assertThat(keptUntil(kind + "#" + id)).contains(KEEP_LONGER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jti", "key", "family"})
  void repeatingARevocationChangesNothing(String kind) {
    String id = unique(kind);
    revoke(repository(), kind, id, KEEP);

    revoke(repository(), kind, id, KEEP);

    assertThat(keptUntil(kind + "#" + id)).contains(KEEP);
    assertThat(revoked(kind, id)).isTrue();
  }

  @Test
  void readsARefreshFamilysRecordAndItsClientsWatermarkTogether() {
    String client = unique("c");
    String family = unique("f");
    Instant before = Instant.parse("2026-11-28T12:00:00Z");

    assertThat(repository().familyStatus(client, family)).isEqualTo(RevocationStatus.NONE);
    repository().revokeFamily(family, KEEP, "test");
    repository().revokeClientTokensBefore(client, before, KEEP);

    assertThat(repository().familyStatus(client, family))
        .isEqualTo(new RevocationStatus(false, Optional.of(before), false, true));
    assertThat(familyRevocation(client, unique("f"), before)).isEmpty();
    assertThat(familyRevocation(client, unique("f"), before.minusSeconds(1)))
        .contains("client_tokens_revoked");
    assertThat(familyRevocation(unique("c"), family, before)).contains("refresh_family_revoked");
  }

  @Test
  void marksATokenRecordedAsAHoneytokenAndNoLaterRevocationUnmarksIt() {
    String jti = unique("j");
    String honeytoken = RevocationReason.HONEYTOKEN.logName();
    repository().revokeToken(jti, KEEP, honeytoken);
    repository().revokeToken(jti, KEEP_LONGER, RevocationReason.LEAK_REPORTED.logName());

    RevocationStatus status = repository().status(jti, unique("c"), unique("k"), Optional.empty());
    assertThat(status.honeytoken()).isTrue();
    assertThat(status.tokenRevoked()).isTrue();
    assertThat(status.reasonFor(KEEP)).contains(AccessTokenReason.HONEYTOKEN_USED);
    assertThat(keptUntil("jti#" + jti)).contains(KEEP);
  }

  @Test
  void marksEveryTokenOfAHoneytokenFamilyAndTheFamilyItself() {
    String family = unique("f");
    String client = unique("c");
    repository().revokeFamily(family, KEEP, RevocationReason.HONEYTOKEN.logName());

    assertThat(
            repository().status(unique("j"), client, unique("k"), Optional.of(family)).honeytoken())
        .isTrue();
    assertThat(repository().familyStatus(client, family).honeytoken()).isTrue();
    assertThat(repository().familyStatus(client, unique("f")).honeytoken()).isFalse();
  }

  @Test
  void aTokenRevokedForAnotherReasonFirstIsNoHoneytoken() {
    String jti = unique("j");
    repository().revokeToken(jti, KEEP, RevocationReason.REVOKED_BY_OPERATOR.logName());
    repository().revokeToken(jti, KEEP, RevocationReason.HONEYTOKEN.logName());

    RevocationStatus status = repository().status(jti, unique("c"), unique("k"), Optional.empty());
    assertThat(status.tokenRevoked()).isTrue();
    assertThat(status.honeytoken()).isFalse();
  }

  /** Why the family started at {@code startedAt} is revoked, by the name the logs use. */
  private Optional<String> familyRevocation(String clientId, String familyId, Instant startedAt) {
    return repository()
        .familyStatus(clientId, familyId)
        .reasonFor(startedAt)
        .map(AccessTokenReason::logName);
  }

  @Test
  void replacesAnExpiredWatermarkWithALaterOneKeptLonger() {
    String client = unique("c");
    Instant stale = Instant.parse("2025-12-31T00:00:00Z");
    Instant now = Instant.parse("2026-11-28T12:00:01Z");
    repository().revokeClientTokensBefore(client, stale, EXPIRED);

    repository().revokeClientTokensBefore(client, now, KEEP);

    assertThat(watermark(client)).contains(now);
    assertThat(keptUntil("client#" + client)).contains(KEEP);
  }

  @Test
  void movesAWatermarkOnlyForwardAndKeepsItAsLongAsAnyRevocationAsked() {
    String client = unique("c");
    Instant earlier = Instant.parse("2026-11-28T12:00:00Z");
    Instant later = Instant.parse("2026-11-28T13:00:00Z");
    Instant latest = Instant.parse("2026-11-28T14:00:00Z");

    repository().revokeClientTokensBefore(client, later, KEEP);
    repository().revokeClientTokensBefore(client, earlier, KEEP_LONGER);
    assertThat(watermark(client)).contains(later);
    assertThat(keptUntil("client#" + client)).contains(KEEP_LONGER);

    repository().revokeClientTokensBefore(client, latest, KEEP);
    assertThat(watermark(client)).contains(latest);
    assertThat(keptUntil("client#" + client)).contains(KEEP_LONGER);
  }

  @Test
  void repeatingAWatermarkChangesNothing() {
    String client = unique("c");
    Instant before = Instant.parse("2026-11-28T12:00:00Z");
    repository().revokeClientTokensBefore(client, before, KEEP);

    repository().revokeClientTokensBefore(client, before, KEEP);

    assertThat(watermark(client)).contains(before);
    assertThat(keptUntil("client#" + client)).contains(KEEP);
    assertThat(watermark(unique("nobody"))).isEmpty();
  }

  @Test
  void readsAClientsWatermarkAloneAndNoneForAClientNeverRevoked() {
    String client = unique("c");
    Instant before = Instant.parse("2026-11-28T12:00:00Z");
    repository().revokeClientTokensBefore(client, before, KEEP);

    assertThat(repository().clientWatermark(client)).contains(before);
    assertThat(repository().clientWatermark(unique("nobody"))).isEmpty();
  }

  @Test
  void restoresAWatermarkToAnEarlierOneOnlyWhileItIsStillTheExpectedOne() {
    String client = unique("c");
    Instant earlier = Instant.parse("2026-11-28T12:00:00Z");
    Instant contained = Instant.parse("2026-11-28T13:00:00Z");
    repository().revokeClientTokensBefore(client, earlier, KEEP);
    repository().revokeClientTokensBefore(client, contained, KEEP_LONGER);

    assertThat(
            repository()
                .restoreClientWatermark(
                    client, Instant.parse("2026-11-28T12:30:00Z"), Optional.of(earlier)))
        .isFalse();
    assertThat(watermark(client)).contains(contained);

    assertThat(repository().restoreClientWatermark(client, contained, Optional.of(earlier)))
        .isTrue();
    assertThat(watermark(client)).contains(earlier);
    assertThat(keptUntil("client#" + client)).contains(KEEP_LONGER);
  }

  @Test
  void removesAWatermarkTheContainmentCreatedAndRefusesWhenAnotherRevocationMovedIt() {
    String client = unique("c");
    Instant contained = Instant.parse("2026-11-28T13:00:00Z");
    Instant operatorLater = Instant.parse("2026-11-28T13:05:00Z");
    repository().revokeClientTokensBefore(client, contained, KEEP);
    repository().revokeClientTokensBefore(client, operatorLater, KEEP);

    assertThat(repository().restoreClientWatermark(client, contained, Optional.empty())).isFalse();
    assertThat(watermark(client)).contains(operatorLater);

    String other = unique("c");
    repository().revokeClientTokensBefore(other, contained, KEEP);
    assertThat(repository().restoreClientWatermark(other, contained, Optional.empty())).isTrue();
    assertThat(watermark(other)).isEmpty();
    assertThat(repository().restoreClientWatermark(other, contained, Optional.empty())).isFalse();
  }

  @Test
  void readsAllFourKindsOfRevocationInOneCall() {
    String jti = unique("j");
    String client = unique("c");
    String kid = unique("k");
    String family = unique("f");
    Instant before = Instant.parse("2026-11-28T12:00:00Z");
    repository().revokeToken(jti, KEEP, "test");
    repository().revokeKey(kid, KEEP, "test");
    repository().revokeFamily(family, KEEP, "test");
    repository().revokeClientTokensBefore(client, before, KEEP);

    assertThat(repository().status(jti, client, kid, Optional.of(family)))
        .isEqualTo(new RevocationStatus(true, Optional.of(before), true, true));
    assertThat(repository().status(unique("j"), unique("c"), unique("k"), Optional.of(unique("f"))))
        .isEqualTo(RevocationStatus.NONE);
    assertThat(repository().status(unique("j"), unique("c"), unique("k"), Optional.empty()))
        .isEqualTo(RevocationStatus.NONE);
  }

  @Test
  void readsATokensOwnRecordsAndOnlyTheSharedOnesAskedFor() {
    String jti = unique("j");
    String client = unique("c");
    String kid = unique("k");
    String family = unique("f");
    Instant before = Instant.parse("2026-11-28T12:00:00Z");
    repository().revokeKey(kid, KEEP, "test");
    repository().revokeFamily(family, KEEP, "test");
    repository().revokeClientTokensBefore(client, before, KEEP);

    // Neither shared record asked for: one read unit per own record, the shared ones not read.
    assertThat(repository().ownStatus(jti, Optional.of(family), Optional.empty(), Optional.empty()))
        .isEqualTo(new RevocationStatus(false, Optional.empty(), false, true));
    assertThat(lastKeysRead()).containsExactlyInAnyOrder("jti#" + jti, "family#" + family);
    assertThat(repository().ownStatus(jti, Optional.empty(), Optional.empty(), Optional.empty()))
        .isEqualTo(RevocationStatus.NONE);
    assertThat(lastKeysRead()).containsExactly("jti#" + jti);

    // Each asked for alone, then both: what they say, read with the token's own.
    assertThat(repository().ownStatus(jti, Optional.empty(), Optional.of(client), Optional.empty()))
        .isEqualTo(new RevocationStatus(false, Optional.of(before), false, false));
    assertThat(lastKeysRead()).containsExactlyInAnyOrder("jti#" + jti, "client#" + client);
    assertThat(repository().ownStatus(jti, Optional.empty(), Optional.empty(), Optional.of(kid)))
        .isEqualTo(new RevocationStatus(false, Optional.empty(), true, false));
    assertThat(lastKeysRead()).containsExactlyInAnyOrder("jti#" + jti, "key#" + kid);
    repository().revokeToken(jti, KEEP, "test");
    assertThat(
            repository().ownStatus(jti, Optional.of(family), Optional.of(client), Optional.of(kid)))
        .isEqualTo(new RevocationStatus(true, Optional.of(before), true, true))
        .isEqualTo(repository().status(jti, client, kid, Optional.of(family)));
  }

  @Test
  void marksAHoneytokenFromItsOwnRecordsWithoutTheSharedOnes() {
    String jti = unique("j");
    String family = unique("f");
    repository().revokeToken(jti, KEEP, RevocationReason.HONEYTOKEN.logName());
    repository().revokeFamily(family, KEEP, RevocationReason.HONEYTOKEN.logName());

    assertThat(
            repository()
                .ownStatus(jti, Optional.empty(), Optional.empty(), Optional.empty())
                .honeytoken())
        .isTrue();
    assertThat(
            repository()
                .ownStatus(unique("j"), Optional.of(family), Optional.empty(), Optional.empty())
                .honeytoken())
        .isTrue();
    assertThat(
            repository()
                .ownStatus(
                    unique("j"),
                    Optional.of(unique("f")),
                    Optional.of(unique("c")),
                    Optional.of(unique("k")))
                .honeytoken())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jti", "key", "family"})
  void acknowledgesARevocationWhoseFirstAnswerWasLostOverAnExpiredRecord(String kind) {
    String id = unique(kind);
    revoke(repository(), kind, id, EXPIRED);
    int lostBefore = lostAnswers();

    revoke(repositoryLosingFirstAnswers(), kind, id, KEEP);

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(keptUntil(kind + "#" + id)).contains(KEEP);
    assertThat(revoked(kind, id)).isTrue();
  }

  @Test
  void acknowledgesAWatermarkWhoseFirstAnswerWasLost() {
    String client = unique("c");
    Instant stale = Instant.parse("2025-12-31T00:00:00Z");
    Instant now = Instant.parse("2026-11-28T12:00:01Z");
    repository().revokeClientTokensBefore(client, stale, EXPIRED);
    int lostBefore = lostAnswers();

    repositoryLosingFirstAnswers().revokeClientTokensBefore(client, now, KEEP);
    String fresh = unique("c");
    repositoryLosingFirstAnswers().revokeClientTokensBefore(fresh, now, KEEP);

    // At least one lost answer each (the merge over the existing record is a second put).
    assertThat(lostAnswers()).isGreaterThanOrEqualTo(lostBefore + 2);
    assertThat(watermark(client)).contains(now);
    assertThat(keptUntil("client#" + client)).contains(KEEP);
    assertThat(watermark(fresh)).contains(now);
    assertThat(keptUntil("client#" + fresh)).contains(KEEP);
  }
}
