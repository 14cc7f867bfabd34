package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import java.util.List;

/**
 * Port: the key creations the rotation has started and not yet resolved ({@link KeyCreation}). They
 * live beside the key records but are never key records: no reader of published keys sees them.
 *
 * <p>Every method throws {@link ServiceFailure} when the store fails.
 */
public interface KeyCreations {

  /** Stores the creation, replacing any earlier record of the same creation id. */
  void record(KeyCreation creation);

  /** Every creation not yet forgotten, in no particular order. */
  List<KeyCreation> findAll();

  /** Forgets a creation. Repeating it is harmless. */
  void forget(String creationId);
}
