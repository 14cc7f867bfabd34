package io.tokenbroker.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.verify.AccessTokenReason;
import io.tokenbroker.verify.RevocationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The cache keeps the records many tokens share (client watermarks, signing keys) apart from each
 * token's own, each re-read at most every maxAge: the hot items are read once per period, a new
 * token reads its own records only, and no status it answers with is older than maxAge.
 */
class CachedSharedRevocationsTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryRevocations store = new InMemoryRevocations();
  private final CachedRevocations cache = new CachedRevocations(store, clock, MAX_AGE, 100);

  private RevocationStatus status(String jti) {
    return cache.status(jti, "c", "k", Optional.empty());
  }

  @Test
  void aNewTokenOfAClientAndKeyReadWithinMaxAgeReadsOnlyItsOwnRecords() {
    status("first");
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#first", "client#c", "key#k");

    clock.advance(Duration.ofMillis(4999));
    for (int i = 0; i < 100; i++) {
      status("t" + i);
      assertThat(store.lastKeysRead()).containsExactly("jti#t" + i);
    }
    cache.status("refreshed", "c", "k", Optional.of("f"));
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#refreshed", "family#f");

    // 102 new tokens, 102 reads (one each), the shared items once: 105 read units, not 307.
    assertThat(store.reads()).isEqualTo(102);
    assertThat(store.itemReads("client#c")).isEqualTo(1);
    assertThat(store.itemReads("key#k")).isEqualTo(1);
    assertThat(store.itemsRead()).isEqualTo(105);
  }

  /**
   * The figure docs/scale.md uses: a container deciding 1,000 new tokens a second for a minute
   * reads each hot item (client#, key#) 60 s / 5 s = 12 times, not 60,000, and about one read unit
   * per new token instead of three.
   */
  @Test
  void readsTheHotItemsOncePerMaxAgeWhateverTheRateOfNewTokens() {
    for (int i = 0; i < 60_000; i++) {
      status("t" + i);
      clock.advance(Duration.ofMillis(1));
    }

    assertThat(store.reads()).isEqualTo(60_000);
    assertThat(store.itemReads("key#k")).isEqualTo(12);
    assertThat(store.itemReads("client#c")).isEqualTo(12);
    assertThat(store.itemsRead()).isEqualTo(60_000 + 2 * 12);
  }

  @Test
  void rereadsTheSharedRecordsOnceMaxAgeHasPassed() {
    status("a");
    clock.advance(MAX_AGE);

    status("b");
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#b", "client#c", "key#k");
    clock.advance(Duration.ofSeconds(2));
    status("c");
    assertThat(store.lastKeysRead()).containsExactly("jti#c");
    // "c" is still fresh, its client and key are not: one read renews them and its own together.
    clock.advance(Duration.ofSeconds(3));
    status("c");
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#c", "client#c", "key#k");
    assertThat(store.itemReads("client#c")).isEqualTo(3);
    assertThat(store.itemReads("key#k")).isEqualTo(3);
  }

  @Test
  void seesAClientWatermarkWithinMaxAgeInTokensSeenAndNeverSeen() {
    Instant issued = clock.instant().minusSeconds(60);
    assertThat(status("seen").reasonFor(issued)).isEmpty();
    clock.advance(Duration.ofSeconds(3));
    // Read its own records at +3 s: fresh until +8 s, but its client's read from 0 s is not.
    assertThat(status("seen-later").reasonFor(issued)).isEmpty();
    store.revokeClientTokensBefore("c", clock.instant(), Instant.MAX);

    clock.advance(Duration.ofMillis(1999));
    assertThat(status("new-within").reasonFor(issued)).as("allowed: read < maxAge ago").isEmpty();
    clock.advance(Duration.ofMillis(1));

    // Tokens whose own records are fresh first: the client's record is what has aged.
    assertThat(status("seen-later").reasonFor(issued))
        .contains(AccessTokenReason.CLIENT_TOKENS_REVOKED);
    assertThat(status("new-within").reasonFor(issued))
        .contains(AccessTokenReason.CLIENT_TOKENS_REVOKED);
    assertThat(status("seen").reasonFor(issued)).contains(AccessTokenReason.CLIENT_TOKENS_REVOKED);
    assertThat(status("never-seen").reasonFor(issued))
        .contains(AccessTokenReason.CLIENT_TOKENS_REVOKED);
  }

  @Test
  void seesARevokedKeyWithinMaxAgeInTokensSeenAndNeverSeen() {
    assertThat(status("seen").keyRevoked()).isFalse();
    clock.advance(Duration.ofSeconds(3));
    assertThat(status("seen-later").keyRevoked()).isFalse();
    store.revokeKey("k", Instant.MAX, "test");

    clock.advance(Duration.ofMillis(1999));
    assertThat(status("new-within").keyRevoked()).as("allowed: read < maxAge ago").isFalse();
    clock.advance(Duration.ofMillis(1));

    // Tokens whose own records are fresh first: the key's record is what has aged.
    assertThat(status("seen-later").keyRevoked()).isTrue();
    assertThat(status("new-within").keyRevoked()).isTrue();
    assertThat(status("seen").reasonFor(clock.instant()))
        .contains(AccessTokenReason.SIGNING_KEY_REVOKED);
    assertThat(status("never-seen").keyRevoked()).isTrue();
    assertThat(cache.status("other", "c", "other-key", Optional.empty()).keyRevoked()).isFalse();
  }

  @Test
  void appliesACachedWatermarkToEachTokenByItsOwnIssueTime() {
    Instant watermark = clock.instant().minusSeconds(30);
    store.revokeClientTokensBefore("c", watermark, Instant.MAX);
    status("first");

    assertThat(status("issued-before").reasonFor(watermark.minusSeconds(1)))
        .contains(AccessTokenReason.CLIENT_TOKENS_REVOKED);
    assertThat(status("issued-at").reasonFor(watermark)).isEmpty();
    assertThat(status("issued-after").reasonFor(watermark.plusSeconds(10))).isEmpty();
    assertThat(cache.status("other", "other-client", "k", Optional.empty()).reasonFor(watermark))
        .isEmpty();
    assertThat(store.itemReads("client#c")).isEqualTo(1);
  }

  @Test
  void marksHoneytokensAndRevokedFamiliesFromEachTokensOwnRecords() {
    status("warm");
    store.revokeToken("decoy", Instant.MAX, RevocationReason.HONEYTOKEN.logName());
    store.revokeFamily("decoy-family", Instant.MAX, RevocationReason.HONEYTOKEN.logName());
    store.revokeFamily("revoked-family", Instant.MAX, "test");

    assertThat(status("decoy").reasonFor(clock.instant()))
        .contains(AccessTokenReason.HONEYTOKEN_USED);
    assertThat(cache.status("of-decoy", "c", "k", Optional.of("decoy-family")).honeytoken())
        .isTrue();
    assertThat(
            cache.status("x", "c", "k", Optional.of("revoked-family")).reasonFor(clock.instant()))
        .contains(AccessTokenReason.REFRESH_FAMILY_REVOKED);
    assertThat(cache.status("y", "c", "k", Optional.of("other-family")))
        .isEqualTo(RevocationStatus.NONE);
    assertThat(status("plain")).isEqualTo(RevocationStatus.NONE);
  }

  @Test
  void readsAnExchangedTokenWholeAndRenewsItsClientAndKeyWithIt() {
    status("warm");
    Ancestor parent =
        new Ancestor("parent", "user-client", clock.instant(), "k0", Optional.of("sid"));
    store.revokeFamily("sid", Instant.MAX, "test");

    RevocationStatus child = cache.status("child", "c", "k", Optional.empty(), List.of(parent));

    assertThat(child.reasonFor(clock.instant())).contains(AccessTokenReason.ANCESTOR_REVOKED);
    assertThat(store.lastKeysRead())
        .containsExactlyInAnyOrder(
            "jti#child",
            "client#c",
            "key#k",
            "jti#parent",
            "client#user-client",
            "key#k0",
            "family#sid");
    assertThat(cache.status("child", "c", "k", Optional.empty(), List.of(parent))).isEqualTo(child);
    assertThat(store.reads()).isEqualTo(2);
  }

  @Test
  void forgetsTheSharedRecordsOnClear() {
    status("a");
    store.revokeKey("k", Instant.MAX, "test");
    store.revokeClientTokensBefore("c", clock.instant(), Instant.MAX);

    cache.clear();

    RevocationStatus fresh = status("b");
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#b", "client#c", "key#k");
    assertThat(fresh.keyRevoked()).isTrue();
    assertThat(fresh.clientRevokedBefore()).isPresent();
    assertThat(cache.sizes()).containsExactly(1, 1, 1);
  }

  @Test
  void holdsNoMoreClientsOrKeysThanItsCapacity() {
    CachedRevocations small = new CachedRevocations(store, clock, MAX_AGE, 2);
    small.status("t1", "c1", "k1", Optional.empty());
    small.status("t2", "c2", "k2", Optional.empty());
    small.status("t3", "c3", "k3", Optional.empty());
    assertThat(small.sizes()).containsExactly(2, 2, 2);

    small.status("t4", "c1", "k3", Optional.empty());
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#t4", "client#c1");
    assertThat(store.itemReads("client#c1")).isEqualTo(2);
    assertThat(small.sizes()).containsExactly(2, 2, 2);
  }

  @Test
  void readsEverythingEveryTimeWithoutACachePeriod() {
    CachedRevocations none = new CachedRevocations(store, clock, Duration.ZERO, 10);
    none.status("a", "c", "k", Optional.empty());
    none.status("b", "c", "k", Optional.empty());
    assertThat(store.lastKeysRead()).containsExactlyInAnyOrder("jti#b", "client#c", "key#k");
    none.status("b", "c", "k", Optional.empty());
    assertThat(store.reads()).isEqualTo(3);
  }

  @Test
  void answersRightFromManyThreadsAtOnceAndStaysWithinItsCapacity() throws Exception {
    // Revoked: every 7th token, client c3 (before now: all its tokens), key k2.
    for (int t = 0; t < 600; t += 7) {
      store.revokeToken("t" + t, Instant.MAX, "test");
    }
    store.revokeClientTokensBefore("c3", clock.instant(), Instant.MAX);
    store.revokeKey("k2", Instant.MAX, "test");
    CachedRevocations shared = new CachedRevocations(store, clock, MAX_AGE, 50);
    Instant issued = clock.instant().minusSeconds(1);
    List<Future<Integer>> workers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int w = 0; w < 8; w++) {
        int seed = w;
        workers.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int i = 0; i < 3000; i++) {
                    int t = (i * 31 + seed * 17) % 600;
                    String client = "c" + (t % 5);
                    String kid = "k" + (t % 3);
                    if (i % 500 == 0) {
                      clock.advance(Duration.ofSeconds(1));
                    }
                    boolean revoked =
                        shared
                            .status("t" + t, client, kid, Optional.empty())
                            .reasonFor(issued)
                            .isPresent();
                    boolean expected = t % 7 == 0 || client.equals("c3") || kid.equals("k2");
                    wrong += revoked == expected ? 0 : 1;
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> worker : workers) {
        assertThat(worker.get()).isZero();
      }
    }
    assertThat(shared.sizes()[0]).isLessThanOrEqualTo(50);
    assertThat(shared.sizes()[1]).isEqualTo(5);
    assertThat(shared.sizes()[2]).isEqualTo(3);
  }
}
