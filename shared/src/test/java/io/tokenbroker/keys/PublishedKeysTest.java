package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublishedKeysTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository repository = new InMemoryKeyRepository();
  private final PublishedKeys published =
      new PublishedKeys(repository, clock, Duration.ofSeconds(30));

  private SigningKey add(KeyState state) {
    SigningKey key =
        SigningKey.created(
            TestKeys.managed(TestKeys.generate(JWSAlgorithm.RS256)), state, clock.instant());
    repository.create(key);
    return key;
  }

  @Test
  void listsOnlyPendingActiveAndRetiredKeys() {
    SigningKey pending = add(KeyState.PENDING);
    SigningKey active = add(KeyState.ACTIVE);
    SigningKey retired = add(KeyState.RETIRED);
    add(KeyState.WITHDRAWN);
    add(KeyState.DELETION_SCHEDULED);

    assertThat(published.current()).containsExactlyInAnyOrder(pending, active, retired);
  }

  @Test
  void readsTheTableAtMostOncePerMaxAge() {
    add(KeyState.ACTIVE);
    published.current();
    published.current();
    clock.advance(Duration.ofSeconds(29));
    published.current();
    assertThat(repository.reads()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    published.current();
    assertThat(repository.reads()).isEqualTo(2);
  }

  @Test
  void seesANewKeyOnceTheCachedCopyExpires() {
    add(KeyState.ACTIVE);
    assertThat(published.current()).hasSize(1);

    SigningKey next = add(KeyState.PENDING);
    assertThat(published.current()).doesNotContain(next);

    clock.advance(Duration.ofSeconds(30));
    assertThat(published.current()).contains(next);
  }

  @Test
  void readsTheTableAfreshAfterClear() {
    SigningKey active = add(KeyState.ACTIVE);
    assertThat(published.current()).containsExactly(active);
    SigningKey withdrawn = active.moveTo(KeyState.WITHDRAWN, clock.instant());
    repository.write(java.util.List.of(), java.util.List.of(withdrawn));
    assertThat(published.current()).as("cached").containsExactly(active);

    published.clear();

    assertThat(published.current()).isEmpty();
    assertThat(repository.reads()).isEqualTo(2);
  }
}
