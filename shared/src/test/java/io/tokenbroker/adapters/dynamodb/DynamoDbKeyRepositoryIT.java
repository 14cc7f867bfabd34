package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyConflict;
import io.tokenbroker.keys.KeyCreation;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.TestKeys;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbKeyRepositoryIT {

  private static DynamoDbKeyRepository repository;
  private static DynamoDbKeyCreations creations;
  private final Instant now = Instant.parse("2026-11-28T12:00:00Z");

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    repository = new DynamoDbKeyRepository(fixture.enhanced, fixture.tables.keys());
    creations = new DynamoDbKeyCreations(fixture.dynamoDb, fixture.tables.keys());
  }

  @Test
  void keepsKeyCreationsBesideTheKeysWhereNoReaderOfKeysSeesThem() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository.create(key);
    KeyCreation started = KeyCreation.started("c-" + key.kid().substring(0, 8), now);
    creations.record(started);
    creations.record(started.madeAs("1234abcd-12ab-34cd-56ef-1234567890ab"));

    assertThat(creations.findAll())
        .contains(started.madeAs("1234abcd-12ab-34cd-56ef-1234567890ab"));
    assertThat(repository.findAll()).contains(key).allMatch(k -> !k.kid().startsWith("lock#"));
    assertThat(repository.find(DynamoDbKeyCreations.PREFIX + started.creationId())).isEmpty();

    creations.forget(started.creationId());
    creations.forget(started.creationId());
    assertThat(creations.findAll()).noneMatch(c -> c.creationId().equals(started.creationId()));
  }

  private SigningKey newKey(JWSAlgorithm algorithm) {
    return SigningKey.created(
        TestKeys.managed(TestKeys.generate(algorithm)), KeyState.PENDING, now);
  }

  @Test
  void storesAndReadsBackEveryField() {
    SigningKey key = newKey(JWSAlgorithm.ES256);
    repository.create(key);

    assertThat(repository.find(key.kid())).contains(key);
    assertThat(repository.findAll()).contains(key);
  }

  @Test
  void refusesASecondRecordWithTheSameKid() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository.create(key);

    assertThatThrownBy(() -> repository.create(key)).isInstanceOf(KeyConflict.class);
  }

  @Test
  void updatesOnlyFromTheVersionItWasReadAt() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository.create(key);
    SigningKey activated =
        new SigningKey(
            key.kid(),
            key.keyReference(),
            key.algorithm(),
            key.publicJwk(),
            KeyState.ACTIVE,
            key.createdAt(),
            now.plusSeconds(60),
            null,
            null,
            key.version() + 1);

    repository.update(activated);
    assertThat(repository.find(key.kid())).contains(activated);

    // A second writer that read version 1 too must lose.
    assertThatThrownBy(() -> repository.update(activated)).isInstanceOf(KeyConflict.class);
  }

  @Test
  void findsNothingForAnUnknownKid() {
    assertThat(repository.find("no-such-kid")).isEmpty();
  }
}
