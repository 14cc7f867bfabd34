package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.testing.TestKeys;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link KeyRepository} does, run against the in-memory fake and the DynamoDB table on
 * moto: conditional creates and versioned updates, all of one write or none of it.
 */
public abstract class KeyRepositoryContract {

  protected static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  protected abstract KeyRepository repository();

  protected static SigningKey newKey(JWSAlgorithm algorithm) {
    return SigningKey.created(
        TestKeys.managed(TestKeys.generate(algorithm)), KeyState.PENDING, NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void storesAndReadsBackEveryField(String algorithm) {
    SigningKey key = newKey(JWSAlgorithm.parse(algorithm));
    repository().create(key);

    assertThat(repository().find(key.kid())).contains(key);
    assertThat(repository().findAll()).contains(key);
  }

  @Test
  void storesEveryLifecycleInstant() {
    SigningKey key = newKey(JWSAlgorithm.ES256);
    repository().create(key);
    SigningKey active = key.moveTo(KeyState.ACTIVE, NOW.plusSeconds(60));
    SigningKey retired = active.moveTo(KeyState.RETIRED, NOW.plusMillis(120_123));
    SigningKey withdrawn = retired.moveTo(KeyState.WITHDRAWN, NOW.plusSeconds(180));

    repository().update(active);
    repository().update(retired);
    repository().update(withdrawn);

    assertThat(repository().find(key.kid())).contains(withdrawn);
  }

  @Test
  void findsNothingForAnUnknownKid() {
    assertThat(repository().find("no-such-kid")).isEmpty();
  }

  @Test
  void refusesASecondRecordWithTheSameKid() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository().create(key);

    assertThatThrownBy(() -> repository().create(key.moveTo(KeyState.ACTIVE, NOW)))
        .isInstanceOf(KeyConflict.class);
    assertThat(repository().find(key.kid())).contains(key);
  }

  @Test
  void updatesOnlyFromTheVersionItWasReadAt() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository().create(key);
    SigningKey activated =
        new SigningKey(
            key.kid(),
            key.keyReference(),
            key.algorithm(),
            key.publicJwk(),
            KeyState.ACTIVE,
            key.createdAt(),
            NOW.plusSeconds(60),
            null,
            null,
            key.version() + 1);

    repository().update(activated);
    assertThat(repository().find(key.kid())).contains(activated);

    // A second writer that read version 1 too must lose.
    assertThatThrownBy(() -> repository().update(activated)).isInstanceOf(KeyConflict.class);
    SigningKey skipping = activated.moveTo(KeyState.RETIRED, NOW).moveTo(KeyState.WITHDRAWN, NOW);
    assertThatThrownBy(() -> repository().update(skipping)).isInstanceOf(KeyConflict.class);
    assertThat(repository().find(key.kid())).contains(activated);
  }

  @Test
  void refusesToUpdateARecordThatDoesNotExist() {
    SigningKey key = newKey(JWSAlgorithm.ES256);

    assertThatThrownBy(() -> repository().update(key.moveTo(KeyState.ACTIVE, NOW)))
        .isInstanceOf(KeyConflict.class);
    assertThat(repository().find(key.kid())).isEmpty();
  }

  @Test
  void writesEveryRecordOfOneWriteTogether() {
    SigningKey active = newKey(JWSAlgorithm.ES256).moveTo(KeyState.ACTIVE, NOW);
    repository().create(active);
    SigningKey successor = newKey(JWSAlgorithm.ES256);

    repository()
        .write(List.of(successor), List.of(active.moveTo(KeyState.RETIRED, NOW.plusSeconds(60))));

    assertThat(repository().find(successor.kid())).contains(successor);
    assertThat(repository().find(active.kid()).orElseThrow().state()).isEqualTo(KeyState.RETIRED);
  }

  @Test
  void writesNothingOfAWriteWithOneConflict() {
    SigningKey active = newKey(JWSAlgorithm.ES256).moveTo(KeyState.ACTIVE, NOW);
    repository().create(active);
    SigningKey other = newKey(JWSAlgorithm.RS256);
    repository().create(other);
    SigningKey successor = newKey(JWSAlgorithm.ES256);
    SigningKey staleUpdate = active.moveTo(KeyState.RETIRED, NOW).moveTo(KeyState.WITHDRAWN, NOW);

    assertThatThrownBy(() -> repository().write(List.of(successor), List.of(staleUpdate)))
        .isInstanceOf(KeyConflict.class);
    assertThatThrownBy(
            () ->
                repository()
                    .write(
                        List.of(successor, other), List.of(active.moveTo(KeyState.RETIRED, NOW))))
        .isInstanceOf(KeyConflict.class);

    assertThat(repository().find(successor.kid())).isEmpty();
    assertThat(repository().find(active.kid())).contains(active);
    assertThat(repository().find(other.kid())).contains(other);
  }
}
