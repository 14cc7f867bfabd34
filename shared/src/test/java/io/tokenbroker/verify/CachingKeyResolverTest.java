package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingKeyResolverTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final List<JWK> published = new ArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final CachingKeyResolver resolver =
      new CachingKeyResolver(
          () -> {
            fetches.incrementAndGet();
            return List.copyOf(published);
          },
          clock,
          Duration.ofMinutes(5),
          Duration.ofSeconds(30));

  @Test
  void readsTheSourceOncePerMaxAgeForKnownKids() {
    RSAKey key = TestKeys.rsa();
    published.add(key.toPublicJWK());

    for (int i = 0; i < 100; i++) {
      assertThat(resolver.find(key.getKeyID())).isPresent();
    }
    assertThat(fetches).hasValue(1);

    clock.advance(Duration.ofMinutes(5));
    resolver.find(key.getKeyID());
    assertThat(fetches).hasValue(2);
  }

  @Test
  void aWarmReadAtInitMakesTheFirstFindReadNothing() {
    RSAKey key = TestKeys.rsa();
    published.add(key.toPublicJWK());

    resolver.warm();
    resolver.warm();
    assertThat(fetches).hasValue(1);

    assertThat(resolver.find(key.getKeyID())).isPresent();
    assertThat(fetches).hasValue(1);
  }

  @Test
  void aFailedWarmReadLeavesTheReadToTheFirstFind() {
    RSAKey key = TestKeys.rsa();
    AtomicInteger calls = new AtomicInteger();
    CachingKeyResolver failingOnce =
        new CachingKeyResolver(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("table unreachable");
              }
              return List.of(key.toPublicJWK());
            },
            clock,
            Duration.ofMinutes(5),
            Duration.ofSeconds(30));

    assertThatThrownBy(failingOnce::warm).isInstanceOf(IllegalStateException.class);

    assertThat(failingOnce.find(key.getKeyID())).isPresent();
    assertThat(calls).hasValue(2);
  }

  /** A table without keys yet at init: the first token's kid gets a read, not the penalty box. */
  @Test
  void anEmptyWarmReadIsNotKept() {
    resolver.warm();
    RSAKey key = TestKeys.rsa();
    published.add(key.toPublicJWK());

    assertThat(resolver.find(key.getKeyID())).isPresent();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void refreshesForAnUnknownKidAtMostOncePerInterval() {
    published.add(TestKeys.rsa().toPublicJWK());
    resolver.find("warm-up");
    clock.advance(Duration.ofSeconds(30));

    for (int i = 0; i < 1000; i++) {
      assertThat(resolver.find("made-up-kid-" + i)).isEmpty();
    }

    assertThat(fetches).hasValue(2);
  }

  @Test
  void findsAKeyPublishedAfterTheLastReadOnceThePenaltyBoxAllows() {
    published.add(TestKeys.rsa().toPublicJWK());
    resolver.find("x");
    RSAKey next = TestKeys.rsa();
    published.add(next.toPublicJWK());

    assertThat(resolver.find(next.getKeyID())).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(resolver.find(next.getKeyID())).isPresent();
  }

  @Test
  void ignoresKeysWithoutAlgAndKidsClaimedByTwoKeys() throws Exception {
    RSAKey noAlg = new RSAKey.Builder(TestKeys.rsa().toRSAPublicKey()).keyID("no-alg").build();
    RSAKey first = TestKeys.rsa();
    RSAKey impostor =
        new RSAKey.Builder(TestKeys.rsa().toPublicJWK()).keyID(first.getKeyID()).build();
    published.addAll(List.of(noAlg, first.toPublicJWK(), impostor));

    assertThat(resolver.find("no-alg")).isEmpty();
    assertThat(resolver.find(first.getKeyID())).isEmpty();
  }

  @Test
  void ignoresRsaKeysWithTheRocaWeakness() {
    published.add(TestKeys.withRocaFingerprint("roca"));

    assertThat(resolver.find("roca")).isEmpty();
  }

  @Test
  void readsTheSourceAfreshAfterClearEvenInsideThePenaltyBox() {
    RSAKey key = TestKeys.rsa();
    published.add(key.toPublicJWK());
    assertThat(resolver.find(key.getKeyID())).isPresent();
    published.clear();
    assertThat(resolver.find(key.getKeyID())).as("cached").isPresent();

    resolver.clear();

    assertThat(resolver.find(key.getKeyID())).isEmpty();
    assertThat(fetches).hasValue(2);
  }
}
