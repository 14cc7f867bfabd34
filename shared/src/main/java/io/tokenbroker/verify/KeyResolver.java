package io.tokenbroker.verify;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.VerificationKey;
import java.util.Optional;

/**
 * Port: the public keys a verifier trusts, by kid, each prepared for verifying ({@link
 * VerificationKey}). Each key carries the one alg it verifies.
 */
public interface KeyResolver {

  /**
   * The trusted key with this kid, if any.
   *
   * @throws ServiceFailure if the key source cannot be read and no usable copy is held
   */
  Optional<VerificationKey> find(String kid);
}
