package io.tokenbroker.detection;

import java.util.Optional;

/**
 * Port: the detector's per-client baselines (in AWS: the detector table, items kept by TTL while
 * the client is active). Several detector containers may update one client at once; a save is
 * conditional on the version it was loaded at, and the loser reloads and applies its event again.
 *
 * @throws io.tokenbroker.errors.ServiceFailure (retryable) from every method when the store fails
 */
public interface Baselines {

  /** The client's baseline, with the version it is stored at. */
  Optional<ClientBaseline> find(String clientId);

  /**
   * Stores the baseline as version {@code baseline.version() + 1} if the stored one is still at
   * {@code baseline.version()} (0: none stored).
   *
   * @return false if another writer got there first (nothing written)
   */
  boolean save(ClientBaseline baseline);
}
