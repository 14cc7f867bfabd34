package io.tokenbroker.keys;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Clock;
import java.util.Optional;

/**
 * Makes sure the broker has a signing key: on an empty key table it creates one and makes it ACTIVE
 * at once (no token exists yet, so there is nothing for verifiers to be ahead of).
 */
public final class KeyBootstrap {

  private final KeyRepository keys;
  private final KeyManager keyManager;
  private final Clock clock;

  public KeyBootstrap(KeyRepository keys, KeyManager keyManager, Clock clock) {
    this.keys = keys;
    this.keyManager = keyManager;
    this.clock = clock;
  }

  /**
   * Returns the ACTIVE key, creating it first if the table has no key at all.
   *
   * @throws IllegalStateException if keys exist but none is ACTIVE (rotation's job to repair)
   */
  public SigningKey ensureActiveKey(JWSAlgorithm algorithm) {
    Optional<SigningKey> active =
        keys.findAll().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst();
    if (active.isPresent()) {
      return active.get();
    }
    if (!keys.findAll().isEmpty()) {
      throw new IllegalStateException("keys exist but none is ACTIVE; run key rotation");
    }
    SigningKey first =
        SigningKey.created(keyManager.create(algorithm), KeyState.ACTIVE, clock.instant());
    keys.create(first);
    return first;
  }
}
