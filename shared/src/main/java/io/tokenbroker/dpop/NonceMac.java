package io.tokenbroker.dpop;

import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: a MAC under a secret key that every container of the deployment shares and none holds in
 * memory (a KMS HMAC key), for {@link SlotNonces}.
 */
public interface NonceMac {

  /**
   * @return the MAC of {@code message}; equal messages give equal MACs, in every container
   * @throws ServiceFailure if the key's store fails
   */
  byte[] mac(byte[] message);
}
