package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyCreation;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.KeyRepositoryContract;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbKeyRepositoryIT extends KeyRepositoryContract {

  private static DynamoDbKeyRepository repository;
  private static DynamoDbKeyCreations creations;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    repository = new DynamoDbKeyRepository(fixture.dynamoDb, fixture.tables.keys());
    creations = new DynamoDbKeyCreations(fixture.dynamoDb, fixture.tables.keys());
  }

  @Override
  protected KeyRepository repository() {
    return repository;
  }

  @Test
  void keepsKeyCreationsBesideTheKeysWhereNoReaderOfKeysSeesThem() {
    SigningKey key = newKey(JWSAlgorithm.RS256);
    repository.create(key);
    KeyCreation started = KeyCreation.started("c-" + key.kid().substring(0, 8), NOW);
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
}
