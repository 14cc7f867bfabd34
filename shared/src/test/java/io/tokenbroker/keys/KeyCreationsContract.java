package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KeyCreations} store does, run against the in-memory fake and the DynamoDB key
 * table on moto.
 */
public abstract class KeyCreationsContract {

  protected static final Instant NOW = Instant.parse("2026-11-28T12:00:00.123Z");

  protected abstract KeyCreations creations();

  private static String unique() {
    return "c-" + UUID.randomUUID();
  }

  @Test
  void keepsACreationUntilItIsForgotten() {
    KeyCreation started = KeyCreation.started(unique(), NOW);
    KeyCreation other = KeyCreation.started(unique(), NOW.plusSeconds(1));

    creations().record(started);
    creations().record(other);

    assertThat(creations().findAll()).contains(started, other);
    creations().forget(started.creationId());
    assertThat(creations().findAll()).doesNotContain(started).contains(other);
  }

  @Test
  void replacesAnEarlierRecordOfTheSameCreation() {
    KeyCreation started = KeyCreation.started(unique(), NOW);
    creations().record(started);

    creations().record(started.madeAs("1234abcd-12ab-34cd-56ef-1234567890ab"));

    assertThat(
            creations().findAll().stream().filter(c -> c.creationId().equals(started.creationId())))
        .containsExactly(started.madeAs("1234abcd-12ab-34cd-56ef-1234567890ab"));
  }

  @Test
  void forgettingTwiceOrSomethingNeverRecordedIsHarmless() {
    KeyCreation started = KeyCreation.started(unique(), NOW);
    creations().record(started);

    creations().forget(started.creationId());
    creations().forget(started.creationId());
    creations().forget(unique());

    assertThat(creations().findAll()).noneMatch(c -> c.creationId().equals(started.creationId()));
  }
}
