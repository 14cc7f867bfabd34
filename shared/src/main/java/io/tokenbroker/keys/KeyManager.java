package io.tokenbroker.keys;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: the hardware-backed key service that holds private keys (AWS KMS). Private keys never leave
 * it; the broker sees references and public keys only.
 *
 * <p>Every method throws {@link ServiceFailure} when the service fails.
 */
public interface KeyManager {

  /**
   * Creates a new asymmetric signing key for {@code algorithm}, tagged as the broker's when it is
   * created (never tagged afterwards), and keeping {@code creationId} (see {@link
   * OwnedKey#creationId}).
   *
   * @throws IllegalArgumentException if the algorithm is not supported
   */
  ManagedKey create(JWSAlgorithm algorithm, String creationId);

  /** Disables the key so that it can no longer sign. Repeating it is harmless. */
  void disable(String keyReference);

  /** Schedules the key's deletion after the waiting period. Repeating it is harmless. */
  void scheduleDeletion(String keyReference, int waitingPeriodDays);

  /**
   * The keys carrying this broker's tag other than {@code known} ones: keys the key table lost
   * track of, or keys someone else tagged.
   */
  java.util.List<OwnedKey> ownedKeysOtherThan(java.util.Set<String> known);
}
