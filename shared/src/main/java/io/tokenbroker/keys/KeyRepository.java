package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import java.util.List;
import java.util.Optional;

/**
 * Port: the broker's key table, one record per signing key. Reads are strongly consistent.
 *
 * <p>Every method throws {@link ServiceFailure} when the store fails.
 */
public interface KeyRepository {

  /** Every key record, in no particular order. */
  List<SigningKey> findAll();

  Optional<SigningKey> find(String kid);

  /**
   * Stores a new key record.
   *
   * @throws KeyConflict if a record with the same kid exists
   */
  void create(SigningKey key);

  /**
   * Replaces a record, if it is still at {@code updated.version() - 1}.
   *
   * @throws KeyConflict if the stored version differs (someone else changed it first)
   */
  default void update(SigningKey updated) {
    write(List.of(), List.of(updated));
  }

  /**
   * Creates and replaces records in one atomic write: all of it happens or none (a rotation's
   * activate-and-retire is never half done).
   *
   * @throws KeyConflict if any record to create exists or any to replace changed meanwhile
   */
  void write(List<SigningKey> created, List<SigningKey> updated);
}
