package io.tokenbroker.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A key creation the rotation recorded before it asked the key manager for the key: the proof that
 * a tagged key nobody else knows of is the broker's own. The orphan sweep deletes only keys named
 * by one, and forgets a creation once it is past the sweep's grace (every key it made is then
 * recorded or scheduled for deletion).
 *
 * @param creationId random; the key manager keeps it with the key (its description), so a key whose
 *     id was never recorded here is still recognised
 * @param startedAt when the creation was recorded, before the key manager was called
 * @param keyReference the key's id in the key manager, once it answered
 */
public record KeyCreation(String creationId, Instant startedAt, Optional<String> keyReference) {

  public KeyCreation {
    Objects.requireNonNull(creationId, "creationId");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(keyReference, "keyReference");
  }

  public static KeyCreation started(String creationId, Instant now) {
    return new KeyCreation(creationId, now, Optional.empty());
  }

  /** This creation, now that the key manager has answered with the key's reference. */
  public KeyCreation madeAs(String reference) {
    return new KeyCreation(creationId, startedAt, Optional.of(reference));
  }

  /** Whether {@code key} is the key this creation made. */
  public boolean made(OwnedKey key) {
    return keyReference.map(key.keyReference()::equals).orElse(false)
        || key.creationId().map(creationId::equals).orElse(false);
  }
}
