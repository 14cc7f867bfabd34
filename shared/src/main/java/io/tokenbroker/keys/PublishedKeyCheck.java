package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: checks a key-table record against the key manager that holds the key's private half. Write
 * access to the key table must not be enough to make verifiers trust a key: only the key manager
 * can say which public key belongs to one of the broker's keys.
 */
public interface PublishedKeyCheck {

  /**
   * Whether the key manager holds, as one of this broker's keys, the key {@code key.keyReference()}
   * names, with exactly {@code key.publicJwk()} as its public key and the key type {@code
   * key.algorithm()} needs. False for any other public key or key type, for a reference in any form
   * but the key manager's own bare key id (the key must be in the broker's own account and region),
   * and for a key that does not exist, cannot be used, or is not the broker's.
   *
   * @throws ServiceFailure if the key manager cannot answer
   */
  boolean confirms(SigningKey key);
}
